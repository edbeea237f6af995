import { checkArticleSet } from './eutils.ts';
import type { NcbiHttp } from './ncbi-http.ts';

/**
 * PMC full texts per efetch. JATS articles are large (100-500 kB), so batches stay small enough
 * that one response is a few MB.
 */
export const PMC_FETCH_BATCH = 20;

/** efetch db=pmc by id; PMC's uids are the PMCID's digits. Returns the `<pmc-articleset>` XML. */
export function efetchPmc(http: NcbiHttp, pmcids: string[], signal?: AbortSignal): Promise<string> {
  const ids = pmcids.map((pmcid) => pmcid.replace(/^PMC/i, ''));
  return http.post('efetch.fcgi', { db: 'pmc', id: ids.join(','), retmode: 'xml' }, { signal, read: (text) => checkArticleSet(text, 'pmc') });
}
