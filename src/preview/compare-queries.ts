import type { Logger } from '../log.ts';
import type { DateWindow } from '../ncbi/date-window.ts';
import type { NcbiHttp } from '../ncbi/ncbi-http.ts';
import { searchWindows } from '../ncbi/search-windows.ts';
import { queryChangingWarnings, type QueryWarning } from '../poll/query-warnings.ts';

export interface QueryComparison {
  window: DateWindow;
  /** PMIDs the edited query finds and the current one does not. */
  added: string[];
  /** PMIDs the current query finds and the edited one does not. */
  dropped: string[];
  unchanged: string[];
  /** What PubMed searched instead of the edited query as written (phrases it dropped...). */
  warnings: QueryWarning[];
  /** The same for the query in force. */
  currentWarnings: QueryWarning[];
}

/** Every PMID a query finds in PubMed over the window (Entrez date), and what PubMed said about the query. */
async function pmidsOf(http: NcbiHttp, term: string, window: DateWindow, log: Logger): Promise<{ ids: Set<string>; warnings: QueryWarning[] }> {
  const parts = await searchWindows(http, { db: 'pubmed', term, window }, log);
  return {
    ids: new Set(parts.flatMap((part) => part.ids)),
    warnings: queryChangingWarnings(
      'pubmed',
      parts.flatMap((part) => part.warnings),
    ),
  };
}

/**
 * What an edited query would change over a window: the works it would add, drop, and keep,
 * compared with the query in force. Two searches (one when there is no current query), nothing
 * fetched or stored.
 */
export async function compareQueries(http: NcbiHttp, request: { edited: string; current?: string; window: DateWindow }, log: Logger): Promise<QueryComparison> {
  const editedResult = await pmidsOf(http, request.edited, request.window, log);
  const currentResult =
    request.current === undefined
      ? { ids: new Set<string>(), warnings: [] }
      : request.current === request.edited
        ? editedResult
        : await pmidsOf(http, request.current, request.window, log);
  const [edited, current] = [editedResult.ids, currentResult.ids];
  const newestFirst = (ids: Iterable<string>) => [...ids].sort((a, b) => Number(b) - Number(a));
  return {
    window: request.window,
    added: newestFirst([...edited].filter((id) => !current.has(id))),
    dropped: newestFirst([...current].filter((id) => !edited.has(id))),
    unchanged: newestFirst([...edited].filter((id) => current.has(id))),
    warnings: editedResult.warnings,
    currentWarnings: currentResult.warnings,
  };
}
