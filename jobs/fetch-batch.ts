import { z } from 'zod';
import { NcbiTransientError } from '../src/ncbi/errors.ts';
import { efetchByIds, efetchFromHistory } from '../src/ncbi/eutils.ts';
import type { PubmedArticle } from '../src/parse/article.ts';
import { streamPubmedRecords } from '../src/parse/pubmed-stream.ts';
import { PUBMED_BATCH_SIZE } from '../src/poll/batch-sizes.ts';
import type { JobContext } from '../src/queue/job-module.ts';
import { oneAtATime } from '../src/poll/one-at-a-time.ts';
import { checkRequested } from '../src/poll/requested-pmids.ts';
import { wellFormed } from '../src/text/well-formed.ts';
import { queueEnrichment } from './enrich-works.ts';

/**
 * Fetch one batch of a poll's PubMed search from the history server and store every record as a
 * work matched by the watch: from then on the work is deliverable. The new or changed works'
 * cards are completed by enrich-works jobs queued here and not waited for (no enrichment service
 * may hold the poll). Storing is an idempotent upsert keyed by DOI/PMID, the batch in one transaction; the step is recorded,
 * so a retried job does not fetch again once its works are stored, and the enrichment jobs'
 * chosen ids make queueing them again harmless.
 *
 * Only what was asked is stored: the PMIDs esearch listed for the slice (`pmids`) are checked
 * against what came back; records nobody asked for are dropped, missing ones are asked again by
 * id (once), and the difference is logged (`fetch.pmid_mismatch`). A record that cannot be
 * read, or that PostgreSQL refuses, is set aside with the reason (`fetch.record_set_aside`,
 * listed by /admin and `litwatch set-aside`) while the rest of the batch is stored.
 */
export const name = 'fetch-batch';
export const queue = 'fetch';

/** efetch batch size (src/poll/batch-sizes.ts): NCBI's guideline is a few hundred records per request. */
export const BATCH_SIZE = PUBMED_BATCH_SIZE;

const batchSummarySchema = z.object({
  received: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  duplicate: z.number().int(),
  deleted: z.number().int(),
  /** Works this watch had not matched before (new to litwatch, or found earlier by another watch). */
  newToWatch: z.number().int(),
  /** Records received that esearch did not list for the batch: not stored. */
  unrequested: z.number().int().optional(),
  /** Listed PMIDs still unanswered after asking again by id. */
  missing: z.number().int().optional(),
  /** Records that could not be read or stored, set aside with the reason. */
  setAside: z.number().int().optional(),
});

export type BatchSummary = z.infer<typeof batchSummarySchema>;

/** What a fetch job returns to its poll: what it stored, and the enrichment it queued. */
export interface FetchResult extends BatchSummary {
  /** Works queued for enrichment. */
  toEnrich: number;
  /** Their enrich-works job ids. */
  enrichJobs: string[];
  /** The full-text pool they add to (the poll's stage): the poll counts them per pool. */
  fullTextScope?: string;
}

export const payloadSchema = z.object({
  watchId: z.string().min(1),
  db: z.literal('pubmed'),
  webEnv: z.string().min(1),
  queryKey: z.string().min(1),
  retstart: z.number().int().min(0),
  retmax: z.number().int().min(1).max(10_000),
  /** The PMIDs esearch listed for this slice (src/poll/plan-source.ts); absent in jobs an older litwatch queued. */
  pmids: z.array(z.string().regex(/^\d+$/)).max(10_000).optional(),
  /** The poll stage's full-text pool, for the enrich jobs queued here. */
  fullTextScope: z.string().min(1).optional(),
  // Written by the job as it goes.
  stored: z.object({ summary: batchSummarySchema, toEnrich: z.array(z.string()) }).optional(),
});

export type Payload = z.infer<typeof payloadSchema>;

export async function process(payload: Payload, ctx: JobContext): Promise<FetchResult> {
  let stored = payload.stored;
  if (!stored) {
    stored = await fetchAndStore(payload, ctx);
    await ctx.job.updateData({ ...payload, stored });
  }
  const { watchId, fullTextScope } = payload;
  const enrichJobs = await queueEnrichment(ctx.services, stored.toEnrich, { jobIdBase: `enrich-new-${ctx.job.id ?? ''}`, watchId, fullTextScope });
  return { ...stored.summary, toEnrich: stored.toEnrich.length, enrichJobs, ...(fullTextScope ? { fullTextScope } : {}) };
}

/** Parsing and storing 200 records is the CPU-heavy part: one batch at a time per process (the requests still overlap). */
const parseAndStoreTurn = oneAtATime();

/** What one efetch reply held. */
interface ReadBatch {
  articles: PubmedArticle[];
  /** PMIDs of DeleteCitation notices. */
  deleted: string[];
  /** Records that could not be read, with why (a PMID when it could be found). */
  unreadable: { pmid?: string; reason: string }[];
}

async function fetchAndStore(payload: Payload, ctx: JobContext): Promise<{ summary: BatchSummary; toEnrich: string[] }> {
  const xml = await efetchFromHistory(ctx.services.ncbi, payload);
  let batch = await parseAndStoreTurn(() => readBatch(xml, ctx));
  let check = { unrequested: 0, missing: 0 };
  if (payload.pmids) ({ batch, ...check } = await keepRequested(batch, payload.pmids, ctx));
  const stored = await parseAndStoreTurn(() => store(batch, payload, ctx));
  stored.summary.unrequested = check.unrequested;
  stored.summary.missing = check.missing;
  if (!payload.pmids && stored.summary.received + stored.summary.deleted < payload.retmax) {
    ctx.log.warn({ event: 'ncbi.short_batch', expected: payload.retmax, ...stored.summary }, 'efetch returned fewer records than asked for');
  }
  return stored;
}

async function readBatch(xml: string, ctx: JobContext): Promise<ReadBatch> {
  const batch: ReadBatch = { articles: [], deleted: [], unreadable: [] };
  const onRecordError = (err: Error & { pmid?: string }) => {
    ctx.log.warn({ event: 'parse.record_failed', err }, 'a record in the batch could not be parsed; set aside');
    batch.unreadable.push({ ...(err.pmid ? { pmid: err.pmid } : {}), reason: err.message });
  };
  for await (const record of streamPubmedRecords([xml], { onRecordError })) {
    if (record.kind === 'deleted') batch.deleted.push(...record.pmids);
    else batch.articles.push(record);
  }
  return batch;
}

/**
 * The batch less the records esearch did not list, with the listed ones that did not come
 * back asked for again by id, once. A transient failure of that request fails the job (retried);
 * any other answer leaves them missing, reported.
 */
async function keepRequested(batch: ReadBatch, asked: string[], ctx: JobContext): Promise<{ batch: ReadBatch; unrequested: number; missing: number }> {
  const answered = [...batch.deleted, ...batch.unreadable.flatMap((u) => (u.pmid ? [u.pmid] : []))];
  const first = checkRequested(asked, batch.articles, answered);
  if (first.unrequested.length === 0 && first.missing.length === 0) return { batch, unrequested: 0, missing: 0 };
  const wanted = new Set(asked);
  const kept: ReadBatch = {
    articles: first.kept,
    deleted: batch.deleted.filter((pmid) => wanted.has(pmid)),
    unreadable: batch.unreadable.filter((u) => u.pmid === undefined || wanted.has(u.pmid)),
  };
  let missing = first.missing;
  if (missing.length > 0) {
    try {
      const again = await parseAndStoreTurn(async () => readBatch(await efetchByIds(ctx.services.ncbi, 'pubmed', missing), ctx));
      const second = checkRequested(missing, again.articles, [...again.deleted, ...again.unreadable.flatMap((u) => (u.pmid ? [u.pmid] : []))]);
      const askedAgain = new Set(missing);
      kept.articles.push(...second.kept);
      kept.deleted.push(...again.deleted.filter((pmid) => askedAgain.has(pmid)));
      kept.unreadable.push(...again.unreadable.filter((u) => u.pmid !== undefined && askedAgain.has(u.pmid)));
      missing = second.missing;
    } catch (err) {
      if (err instanceof NcbiTransientError) throw err;
      ctx.log.warn({ event: 'fetch.refetch_failed', err }, 'asking again by id for the missing records failed; they stay missing');
    }
  }
  ctx.log.warn(
    {
      event: 'fetch.pmid_mismatch',
      asked: asked.length,
      received: batch.articles.length + batch.deleted.length + batch.unreadable.length,
      unrequested: first.unrequested.length,
      missing: first.missing.length,
      refetched: first.missing.length - missing.length,
      stillMissing: missing.length,
      // A few of each, to look them up; the counts say how many.
      unrequestedPmids: first.unrequested.slice(0, 20),
      stillMissingPmids: missing.slice(0, 20),
    },
    `efetch answered ${first.unrequested.length} records esearch did not list (not stored) and missed ${first.missing.length} it did (${missing.length} still missing after asking again by id)`,
  );
  return { batch: kept, unrequested: first.unrequested.length, missing: missing.length };
}

async function store(batch: ReadBatch, payload: Payload, ctx: JobContext): Promise<{ summary: BatchSummary; toEnrich: string[] }> {
  const { services, log } = ctx;
  const summary: BatchSummary = { received: 0, created: 0, updated: 0, unchanged: 0, duplicate: 0, deleted: 0, newToWatch: 0 };
  const toEnrich: string[] = [];
  summary.received = batch.articles.length;
  summary.deleted = batch.deleted.length;
  // One transaction for the batch (one commit, not one per work); record by record only when PostgreSQL refuses one.
  const { stored, refused } = await services.works.upsertEach(batch.articles, payload.watchId);
  for (const result of stored) {
    summary[result.status]++;
    if (result.watchAdded) summary.newToWatch++;
    if (result.status === 'created' || result.status === 'updated') toEnrich.push(result.key);
  }
  const setAside = [
    ...refused.map(({ article, reason }) => ({ pmid: article.pmid, title: article.title, reason })),
    ...batch.unreadable.flatMap((u) => (u.pmid ? [{ pmid: u.pmid, title: '', reason: u.reason }] : [])),
  ].map((r) => ({ source: 'pubmed' as const, recordId: r.pmid, watchId: payload.watchId, reason: clip(r.reason, 1000), title: clip(r.title, 300) }));
  for (const record of setAside)
    log.warn({ event: 'fetch.record_set_aside', pmid: record.recordId, reason: record.reason }, `PMID ${record.recordId} set aside: ${record.reason}`);
  await services.setAside.add(setAside);
  const refusedPmids = new Set(refused.map((r) => r.article.pmid));
  await services.setAside.clear(
    'pubmed',
    batch.articles.filter((a) => !refusedPmids.has(a.pmid)).map((a) => a.pmid),
  );
  summary.setAside = setAside.length;
  return { summary, toEnrich };
}

/** Outside text cut to `max` characters and made well-formed (a cut may split a surrogate pair). */
function clip(text: string, max: number): string {
  return wellFormed(text.length > max ? `${text.slice(0, max - 1)}…` : text);
}
