import { UnrecoverableError, WaitingChildrenError } from 'bullmq';
import { z } from 'zod';
import { pollWindow } from '../src/ncbi/date-window.ts';
import { searchWindows } from '../src/ncbi/search-windows.ts';
import type { JobContext } from '../src/queue/job-module.ts';
import { queryHash } from '../src/store/cursor-store.ts';
import * as fetchBatch from './fetch-batch.ts';

/**
 * One poll of one watch, in three steps recorded in the job's data so that a retried or
 * restarted job carries on where it stopped (bullmq's process-step pattern):
 *   search  - esearch the Entrez-date window from the cursor (minus an overlap) to today, with
 *             the history server; batches whose PMIDs are all stored are only linked to the watch;
 *   fanout  - one fetch-batch child job per remaining batch of 200 (ids chosen, so adding twice
 *             is harmless);
 *   wait    - once every child has stored its works, move the cursor. A child that fails for
 *             good fails this job, and the cursor stays: the next poll covers the window again.
 */
export const name = 'poll-watch';
export const queue = 'poll';

/** efetch batch size: NCBI's guideline is a few hundred records per request. */
export const BATCH_SIZE = 200;

const batchRef = z.object({ webEnv: z.string(), queryKey: z.string(), retstart: z.number().int().min(0), retmax: z.number().int().min(1) });

export const payloadSchema = z.object({
  watchId: z.string().min(1),
  // Written by the job itself as it goes; absent on a fresh job.
  step: z.enum(['search', 'fanout', 'wait']).optional(),
  window: z.object({ min: z.string(), max: z.string() }).optional(),
  queryHash: z.string().optional(),
  batches: z.array(batchRef).optional(),
  hits: z.number().int().optional(),
  linked: z.number().int().optional(),
});

export type Payload = z.infer<typeof payloadSchema>;

export interface PollSummary {
  watchId: string;
  window: { min: string; max: string };
  hits: number;
  batches: number;
  /** Already-stored works this poll found again: linked to the watch, not fetched. */
  linked: number;
  created: number;
  updated: number;
  unchanged: number;
  duplicate: number;
  deleted: number;
  cursorMoved: boolean;
}

export async function process(payload: Payload, ctx: JobContext): Promise<PollSummary | { watchId: string; skipped: string }> {
  const watch = ctx.services.config().watches.find((w) => w.id === payload.watchId);
  if (!watch) throw new UnrecoverableError(`watch "${payload.watchId}" is not in the config (removed or renamed?)`);
  let data = payload;
  if (!data.step || data.step === 'search') {
    if (!watch.enabled) return { watchId: watch.id, skipped: 'watch is disabled' };
    data = { ...data, ...(await search(watch, ctx)), step: 'fanout' };
    await ctx.job.updateData(data);
  }
  if (data.step === 'fanout') {
    await fanOut(data, ctx);
    data = { ...data, step: 'wait' };
    await ctx.job.updateData(data);
  }
  if (ctx.token && (await ctx.job.moveToWaitingChildren(ctx.token))) throw new WaitingChildrenError();
  return finish(data, ctx);
}

async function search(watch: { id: string; query: string }, ctx: JobContext): Promise<Partial<Payload>> {
  const { services, log } = ctx;
  const hash = queryHash(watch.query);
  const cursor = await services.cursors.get(watch.id, hash);
  const window = pollWindow({ cursor: cursor?.date, now: services.now(), ...services.config().polling });
  const results = await searchWindows(services.ncbi, { db: 'pubmed', term: watch.query, window }, log);
  const batches: z.infer<typeof batchRef>[] = [];
  let linked = 0;
  for (const result of results) {
    if (result.phrasesNotFound.length > 0) {
      log.warn({ event: 'watch.phrases_not_found', phrases: result.phrasesNotFound }, 'PubMed ignored part of the query: it matches more than intended');
    }
    for (let start = 0; start < result.ids.length; start += BATCH_SIZE) {
      const ids = result.ids.slice(start, start + BATCH_SIZE);
      const known = await services.works.keysForPmids(ids);
      if (known.size === ids.length) linked += await services.works.linkWatch([...known.values()], watch.id);
      else batches.push({ webEnv: result.webEnv, queryKey: result.queryKey, retstart: start, retmax: ids.length });
    }
  }
  const hits = results.reduce((sum, r) => sum + r.ids.length, 0);
  log.info({ event: 'poll.searched', window, hits, batches: batches.length, cursor: cursor?.date }, `${hits} hits, ${batches.length} batches to fetch`);
  return { window, queryHash: hash, batches, hits, linked };
}

async function fanOut(data: Payload, ctx: JobContext): Promise<void> {
  const batches = data.batches ?? [];
  if (batches.length === 0) return;
  const parentId = ctx.job.id ?? '';
  await ctx.services.queues.fetch.addBulk(
    batches.map((batch, i) => ({
      name: fetchBatch.name,
      data: { watchId: data.watchId, db: 'pubmed' as const, ...batch },
      opts: {
        // Chosen ids: a fan-out repeated after a crash adds nothing twice (':' is reserved by BullMQ).
        jobId: `fetch-${parentId.replaceAll(':', '-')}-${i}`,
        parent: { id: parentId, queue: ctx.job.queueQualifiedName },
        failParentOnFailure: true,
      },
    })),
  );
}

async function finish(data: Payload, ctx: JobContext): Promise<PollSummary> {
  const { services, log } = ctx;
  if (!data.window || !data.queryHash) throw new UnrecoverableError('poll job reached its last step without a search window');
  const totals = { created: 0, updated: 0, unchanged: 0, duplicate: 0, deleted: 0 };
  const children = await ctx.job.getChildrenValues<fetchBatch.BatchSummary>();
  for (const child of Object.values(children)) {
    for (const field of Object.keys(totals) as (keyof typeof totals)[]) totals[field] += child[field];
  }
  const cursorMoved = await services.cursors.advance(data.watchId, data.queryHash, data.window.max);
  const summary: PollSummary = {
    watchId: data.watchId,
    window: data.window,
    hits: data.hits ?? 0,
    batches: data.batches?.length ?? 0,
    linked: data.linked ?? 0,
    ...totals,
    cursorMoved,
  };
  log.info({ event: 'poll.completed', ...summary }, `poll of ${data.watchId}: ${totals.created} new works`);
  return summary;
}
