import { NcbiUnexpectedReplyError, replyExcerpt } from './errors.ts';
import type { NcbiHttp } from './ncbi-http.ts';

/** PubTator3 takes at most 100 ids per GET. */
export const PUBTATOR_BATCH = 100;

export type PubtatorIds = { pmids: string[] } | { pmcids: string[] };

/**
 * PubTator3's BioC JSON export for up to 100 articles. Its API page documents two exports:
 * `/publications/export/biocjson?pmids=…` (with `full=true`, full text where PubTator has the
 * PMC article) and `/publications/pmc_export/biocjson?pmcids=…` (full texts by PMCID; `pmcids`
 * are not taken by `export`, nor `full` by `pmc_export`). Articles PubTator has not annotated
 * yet are simply missing from the reply. At most 3 requests/s, whatever the NCBI key.
 * Returns the body, checked to be BioC JSON (`{"PubTator3":[…]}`) or empty.
 */
export function exportBiocJson(http: NcbiHttp, baseUrl: string, ids: PubtatorIds, signal?: AbortSignal): Promise<string> {
  const list = 'pmids' in ids ? ids.pmids : ids.pmcids;
  if (list.length > PUBTATOR_BATCH) throw new Error(`PubTator3 takes at most ${PUBTATOR_BATCH} ids per request, got ${list.length}`);
  const [path, params] = 'pmids' in ids ? ['export', { pmids: list.join(','), full: 'true' }] : ['pmc_export', { pmcids: list.join(',') }];
  return http.get('pubtator', `${baseUrl}/publications/${path}/biocjson`, params, { signal, read: checkBiocJson });
}

/** The body when it is PubTator's BioC JSON wrapper (or empty: none of the ids is annotated). */
export function checkBiocJson(text: string): string {
  if (text.trim() === '') return text;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new NcbiUnexpectedReplyError('pubtator', 'reply is not JSON', replyExcerpt(text));
  }
  const documents = (json as { PubTator3?: unknown } | null)?.PubTator3;
  if (!Array.isArray(documents)) throw new NcbiUnexpectedReplyError('pubtator', 'reply has no PubTator3 list of documents', replyExcerpt(text));
  return text;
}
