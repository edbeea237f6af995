import { z } from 'zod';
import { efetchFromHistory } from '../src/ncbi/eutils.ts';
import { streamPubmedRecords } from '../src/parse/pubmed-stream.ts';
import { PUBMED_BATCH_SIZE } from '../src/poll/batch-sizes.ts';
import type { JobContext } from '../src/queue/job-module.ts';
import { oneAtATime } from '../src/poll/one-at-a-time.ts';
import { queueEnrichment } from './enrich-works.ts';

/**
 * Fetch one batch of a poll's PubMed search from the history server and store every record as a
 * work matched by the watch: from then on the work is deliverable. The new or changed works'
 * cards are completed by enrich-works jobs queued here and not waited for (no enrichment service
 * may hold the poll). Storing is an idempotent upsert keyed by DOI/PMID, the batch in one transaction; the step is recorded,
 * so a retried job does not fetch again once its works are stored, and the enrichment jobs'
 * chosen ids make queueing them again harmless.
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

async function fetchAndStore(payload: Payload, ctx: JobContext): Promise<{ summary: BatchSummary; toEnrich: string[] }> {
  const xml = await efetchFromHistory(ctx.services.ncbi, payload);
  return parseAndStoreTurn(() => parseAndStore(xml, payload, ctx));
}

async function parseAndStore(xml: string, payload: Payload, ctx: JobContext): Promise<{ summary: BatchSummary; toEnrich: string[] }> {
  const { services, log } = ctx;
  const summary: BatchSummary = { received: 0, created: 0, updated: 0, unchanged: 0, duplicate: 0, deleted: 0, newToWatch: 0 };
  const toEnrich: string[] = [];
  const onRecordError = (err: Error) => log.warn({ event: 'parse.record_failed', err }, 'a record in the batch could not be parsed; skipped');
  const articles = [];
  for await (const record of streamPubmedRecords([xml], { onRecordError })) {
    if (record.kind === 'deleted') summary.deleted += record.pmids.length;
    else articles.push(record);
  }
  summary.received = articles.length;
  // One transaction for the batch: one commit, not one per work (stored all together, or retried all together).
  for (const result of await services.works.upsertMany(articles, payload.watchId)) {
    summary[result.status]++;
    if (result.watchAdded) summary.newToWatch++;
    if (result.status === 'created' || result.status === 'updated') toEnrich.push(result.key);
  }
  if (summary.received + summary.deleted < payload.retmax) {
    log.warn({ event: 'ncbi.short_batch', expected: payload.retmax, ...summary }, 'efetch returned fewer records than asked for');
  }
  return { summary, toEnrich };
}
