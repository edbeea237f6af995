import type { Problem } from '../config/config-errors.ts';
import type { Config } from '../config/load-config.ts';
import { formatEntrezDate } from '../ncbi/date-window.ts';
import { esearch } from '../ncbi/eutils.ts';
import type { NcbiHttp } from '../ncbi/ncbi-http.ts';
import { describeQueryWarning, queryChangingWarnings } from './query-warnings.ts';
import { SEARCH_DATE_FIELD } from './search-dates.ts';

/** The window a live check searches: any will do (warnings are about the query, not the dates), a short one is cheap. */
const CHECK_DAYS = 30;

/**
 * `config check --live`: each watch's query run once per source it searches, counting only
 * (`retmax=0`, no history server), and every phrase or field tag the database did not search as
 * written turned into a problem line at the query's place in the file:
 * `config/watches.yaml:14: watches[0].query: "…" is not known to PubMed (dropped from the search)`.
 */
export async function checkQueriesLive(
  http: NcbiHttp,
  config: Config,
  locate: (path: readonly (string | number)[]) => { file: string; line?: number; field: string },
  now: Date,
  onProgress?: (watchId: string) => void,
): Promise<Problem[]> {
  const window = { min: formatEntrezDate(new Date(now.getTime() - CHECK_DAYS * 86_400_000)), max: formatEntrezDate(now) };
  const problems: Problem[] = [];
  for (const [i, watch] of config.watches.entries()) {
    onProgress?.(watch.id);
    for (const source of watch.sources) {
      const dateField = SEARCH_DATE_FIELD[source];
      const result = await esearch(http, { db: source, term: watch.query, window, retmax: 0, history: false, ...(dateField ? { dateField } : {}) });
      for (const warning of queryChangingWarnings(source, result.warnings))
        problems.push({ ...locate(['watches', i, 'query']), message: describeQueryWarning(warning) });
    }
  }
  return problems;
}
