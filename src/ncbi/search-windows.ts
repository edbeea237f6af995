import type { Logger } from '../log.ts';
import { splitWindow, type DateWindow } from './date-window.ts';
import { esearch, MAX_SEARCH_HITS, type SearchResult } from './eutils.ts';
import type { NcbiHttp } from './ncbi-http.ts';

export type WindowResult = SearchResult & {
  window: DateWindow;
  /** True when one day alone had more hits than PubMed returns: only the first 9,999 are seen. */
  truncated: boolean;
};

/**
 * Search a date window, splitting it in halves until every part has at most 9,999 hits
 * (PubMed never returns more of one search). Each part keeps its own history-server entry.
 */
export async function searchWindows(
  http: NcbiHttp,
  request: { db: 'pubmed' | 'pmc'; term: string; window: DateWindow; dateField?: string },
  log: Logger,
  signal?: AbortSignal,
): Promise<WindowResult[]> {
  const result = await esearch(http, request, signal);
  if (result.count <= MAX_SEARCH_HITS) return [{ ...result, window: request.window, truncated: false }];
  const halves = splitWindow(request.window);
  if (!halves) {
    log.warn(
      { event: 'ncbi.window_truncated', window: request.window, count: result.count },
      `${result.count} hits on a single Entrez date; only the first ${MAX_SEARCH_HITS} can be fetched. Narrow the watch's query.`,
    );
    return [{ ...result, ids: result.ids.slice(0, MAX_SEARCH_HITS), window: request.window, truncated: true }];
  }
  log.info({ event: 'ncbi.window_split', window: request.window, count: result.count }, 'search window split in two');
  const parts: WindowResult[] = [];
  for (const half of halves) parts.push(...(await searchWindows(http, { ...request, window: half }, log, signal)));
  return parts;
}
