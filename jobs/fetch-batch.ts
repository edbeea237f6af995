import { z } from 'zod';
import { efetchFromHistory } from '../src/ncbi/eutils.ts';
import { streamPubmedRecords } from '../src/parse/pubmed-stream.ts';
import type { JobContext } from '../src/queue/job-module.ts';

/**
 * Fetch one batch of a poll's search from the history server and store every record as a work
 * matched by the watch. Storing is an idempotent upsert keyed by DOI/PMID, so running the job
 * twice stores nothing twice.
 */
export const name = 'fetch-batch';
export const queue = 'fetch';

export const payloadSchema = z.object({
  watchId: z.string().min(1),
  db: z.literal('pubmed'),
  webEnv: z.string().min(1),
  queryKey: z.string().min(1),
  retstart: z.number().int().min(0),
  retmax: z.number().int().min(1).max(10_000),
});

export type Payload = z.infer<typeof payloadSchema>;

export interface BatchSummary {
  received: number;
  created: number;
  updated: number;
  unchanged: number;
  duplicate: number;
  deleted: number;
}

export async function process(payload: Payload, ctx: JobContext): Promise<BatchSummary> {
  const { services, log } = ctx;
  const xml = await efetchFromHistory(services.ncbi, payload);
  const summary: BatchSummary = { received: 0, created: 0, updated: 0, unchanged: 0, duplicate: 0, deleted: 0 };
  const onRecordError = (err: Error) => log.warn({ event: 'parse.record_failed', err }, 'a record in the batch could not be parsed; skipped');
  for await (const record of streamPubmedRecords([xml], { onRecordError })) {
    if (record.kind === 'deleted') {
      summary.deleted += record.pmids.length;
      continue;
    }
    summary.received++;
    const result = await services.works.upsert(record, payload.watchId);
    summary[result.status]++;
  }
  if (summary.received + summary.deleted < payload.retmax) {
    log.warn({ event: 'ncbi.short_batch', expected: payload.retmax, ...summary }, 'efetch returned fewer records than asked for');
  }
  await ctx.job.updateProgress(100);
  return summary;
}
