import type { Source } from '../config/watches-schema.ts';
import type { DateWindow } from '../ncbi/date-window.ts';
import { historyOf } from '../ncbi/eutils.ts';
import { searchWindows } from '../ncbi/search-windows.ts';
import type { JobContext } from '../queue/job-module.ts';
import { PMC_BATCH_SIZE, PUBMED_BATCH_SIZE } from './batch-sizes.ts';
import { SEARCH_DATE_FIELD } from './search-dates.ts';
import { plural } from '../text/plural.ts';
import { describeQueryWarning, queryChangingWarnings, type QueryWarning } from './query-warnings.ts';

/** A slice of a PubMed search on the history server. */
export interface HistoryBatch {
  webEnv: string;
  queryKey: string;
  retstart: number;
  retmax: number;
  /**
   * The PMIDs esearch listed for this slice: the fetch stores these and only these
   * (jobs/fetch-batch.ts). Absent in plans an older litwatch stored.
   */
  pmids?: string[];
}

/** PMC full texts to fetch by id. */
export interface PmcidBatch {
  pmcids: string[];
}

export interface FetchPlan {
  source: Source;
  hits: number;
  /** Hits already stored: linked to the watch here, not fetched. */
  linked: number;
  /** One fetch job each. */
  batches: (HistoryBatch | PmcidBatch)[];
  /** What the database searched instead of the query as written (esearch's errorlist/warninglist). */
  warnings?: QueryWarning[];
}

/** PubMed records per efetch (NCBI: a few hundred); PMC full texts are far larger. */
const BATCH_SIZE: Record<Source, number> = { pubmed: PUBMED_BATCH_SIZE, pmc: PMC_BATCH_SIZE };

/**
 * One esearch (split if over 9,999 hits) of one source over the poll's window, then the plan.
 * PubMed: every history-server slice whose works are all stored is only linked to the watch;
 * the others are fetched from the history server (a few known records in a slice are fetched
 * again: small, and it refreshes them). PMC: full texts are large, so only the PMCIDs not
 * stored yet are fetched, by id; the stored ones are linked.
 */
export async function planSource(ctx: JobContext, watchId: string, source: Source, query: string, window: DateWindow): Promise<FetchPlan> {
  const { services, log } = ctx;
  const dateField = SEARCH_DATE_FIELD[source];
  const results = await searchWindows(services.ncbi, { db: source, term: query, window, ...(dateField ? { dateField } : {}) }, log);
  const warnings = queryChangingWarnings(
    source,
    results.flatMap((result) => result.warnings),
  );
  // One line per warning: the query matches something other than what the watch says.
  for (const warning of warnings)
    log.warn({ event: 'watch.query_warning', source, kind: warning.kind, phrase: warning.phrase }, `${watchId}: ${describeQueryWarning(warning)}`);
  const plan: FetchPlan = { source, hits: 0, linked: 0, batches: [], ...(warnings.length > 0 ? { warnings } : {}) };
  const size = BATCH_SIZE[source];
  for (const result of results) {
    plan.hits += result.ids.length;
    if (source === 'pmc')
      await planPmcids(
        ctx,
        watchId,
        result.ids.map((uid) => `PMC${uid}`),
        plan,
      );
    else {
      for (let start = 0; start < result.ids.length; start += size) {
        const ids = result.ids.slice(start, start + size);
        const known = await services.works.keysForPmids(ids);
        if (known.size === ids.length) plan.linked += await services.works.linkWatch([...known.values()], watchId, source);
        else plan.batches.push({ ...historyOf(result), retstart: start, retmax: ids.length, pmids: ids });
      }
    }
  }
  log.info(
    { event: 'poll.searched', source, window, hits: plan.hits, batches: plan.batches.length },
    `${source}: ${plural(plan.hits, 'hit')}, ${plural(plan.batches.length, 'batch', 'batches')} to fetch`,
  );
  return plan;
}

async function planPmcids(ctx: JobContext, watchId: string, pmcids: string[], plan: FetchPlan): Promise<void> {
  const known = await ctx.services.works.keysForPmcids(pmcids);
  plan.linked += await ctx.services.works.linkWatch([...known.values()], watchId, 'pmc');
  const missing = pmcids.filter((pmcid) => !known.has(pmcid));
  for (let start = 0; start < missing.length; start += BATCH_SIZE.pmc) plan.batches.push({ pmcids: missing.slice(start, start + BATCH_SIZE.pmc) });
}
