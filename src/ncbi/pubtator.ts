import type { NcbiHttp } from './ncbi-http.ts';

/** PubTator3 takes at most 100 ids per GET. */
export const PUBTATOR_BATCH = 100;

export type PubtatorIds = { pmids: string[] } | { pmcids: string[] };

/**
 * PubTator3's BioC JSON export for up to 100 articles, full text where PubTator has it
 * (`full=true`: PMC articles are annotated over the whole text). Articles PubTator has not
 * annotated yet are simply missing from the reply. Same rate limit as the E-utilities.
 */
export function exportBiocJson(http: NcbiHttp, baseUrl: string, ids: PubtatorIds, signal?: AbortSignal): Promise<string> {
  const [name, list] = 'pmids' in ids ? ['pmids', ids.pmids] : ['pmcids', ids.pmcids];
  if (list.length > PUBTATOR_BATCH) throw new Error(`PubTator3 takes at most ${PUBTATOR_BATCH} ids per request, got ${list.length}`);
  return http.get(`${baseUrl}/publications/export/biocjson`, { [name]: list.join(','), full: 'true' }, signal);
}
