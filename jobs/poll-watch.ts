import { UnrecoverableError, WaitingChildrenError } from 'bullmq';
import { z } from 'zod';
import { SOURCES } from '../src/config/watches-schema.ts';
import { pollWindow } from '../src/ncbi/date-window.ts';
import { failureInWords } from '../src/ncbi/failure-words.ts';
import type { JobContext } from '../src/queue/job-module.ts';
import { planSource, type FetchPlan } from '../src/poll/plan-source.ts';
import { QUERY_WARNING_KINDS } from '../src/poll/query-warnings.ts';
import { queryHash } from '../src/store/cursor-store.ts';
import { isWellFormedText } from '../src/text/well-formed.ts';
import { plural } from '../src/text/plural.ts';
import { queueEnrichment } from './enrich-works.ts';
import { queueFullTexts } from './fetch-full-texts.ts';
import * as fetchBatch from './fetch-batch.ts';
import * as fetchPmcBatch from './fetch-pmc-batch.ts';

/**
 * One poll of one watch. For each of the watch's sources in turn (PubMed, then PMC), three
 * steps recorded in the job's data, so that a retried or restarted job carries on where it
 * stopped (bullmq's process-step pattern):
 *   search - esearch the window from the cursor (minus an overlap) to today, with the history
 *            server (PubMed by Entrez date, PMC by live date: src/poll/search-dates.ts); batches whose works are all stored are only linked to the watch;
 *   fanout - one fetch child job per remaining batch (ids chosen: adding twice is harmless);
 *   wait   - until every child has stored its works.
 * Sources run one after the other so PMC only fetches what PubMed did not already bring: no full
 * text is fetched twice. Then the cursor moves. A fetch child that fails for good fails this
 * job, and the cursor stays: the next poll covers the window again.
 * Enrichment (ID converter, PMC full text, PubTator, summariser) is never waited for: the fetch
 * children queue it as jobs of their own, and this job queues again, at its start, the works
 * whose enrichment failed and is due (backoff) and the works tagged offline that PubTator is
 * asked about again. The summary counts the enrichment queued and names its jobs.
 * A watch has one poll at a time: a fresh poll takes the watch's lock (src/store/poll-locks.ts)
 * and is dropped, saying so, while another poll of it runs (or waits to retry); a failed try
 * is shown on the watch at once, in words (src/ncbi/failure-words.ts).
 */
export const name = 'poll-watch';
export const queue = 'poll';

/** Text the store can keep (src/text/well-formed.ts): a stored search holding anything else is searched again. */
const storable = z.string().refine(isWellFormedText, 'holds a lone surrogate or a control character');

// The shape of src/poll/plan-source.ts's FetchPlan, checked when a restarted job reads it back.
const planSchema = z.object({
  source: z.enum(SOURCES),
  hits: z.number().int(),
  linked: z.number().int(),
  batches: z.array(
    z.union([
      z.object({
        webEnv: storable,
        queryKey: storable,
        retstart: z.number().int().min(0),
        retmax: z.number().int().min(1),
        pmids: z.array(z.string().regex(/^\d+$/)).optional(),
      }),
      z.object({ pmcids: z.array(storable) }),
    ]),
  ),
  warnings: z.array(z.object({ source: z.enum(SOURCES), kind: z.enum(QUERY_WARNING_KINDS), phrase: storable })).optional(),
});

const payloadShape = z.object({
  watchId: z.string().min(1),
  // Written by the job itself as it goes; absent on a fresh job.
  window: z.object({ min: z.string(), max: z.string() }).optional(),
  queryHash: z.string().optional(),
  sources: z.array(z.enum(SOURCES)).optional(),
  /** One per source searched so far; the last one is in progress. */
  plans: z.array(planSchema).optional(),
  step: z.enum(['fanout', 'wait']).optional(),
  /** The enrich-works jobs this poll queued at its start (retries). */
  retryJobs: z.array(z.string()).optional(),
  retryWorks: z.number().int().optional(),
  /** Why the stored search state was dropped when this job was read (see dropInvalidSearch); the job searches again. */
  searchDropped: z.string().optional(),
});

/**
 * The poll's payload. A stored search state (`plans`) that does not validate, written by an
 * older litwatch or holding text from a reply PostgreSQL would refuse, is dropped with its step
 * instead of failing the job: every retry would replay it and fail the same way, while a new
 * search of the same window answers afresh (its fetch jobs' chosen ids keep a repeated fan-out
 * harmless).
 */
export const payloadSchema = z.preprocess(dropInvalidSearch, payloadShape);

function dropInvalidSearch(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || !('plans' in data) || data.plans === undefined) return data;
  const plans = z.array(planSchema).safeParse(data.plans);
  if (plans.success) return data;
  const { plans: _plans, step: _step, ...rest } = data as Record<string, unknown>;
  const issue = plans.error.issues[0];
  return { ...rest, searchDropped: issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid' };
}

export type Payload = z.infer<typeof payloadShape>;

export interface PollSummary {
  watchId: string;
  window: { min: string; max: string };
  /** Hits over all sources (a work found in both counts twice). */
  hits: number;
  batches: number;
  /** Already-stored works this poll found again: linked to the watch, not fetched. */
  linked: number;
  created: number;
  updated: number;
  unchanged: number;
  duplicate: number;
  deleted: number;
  /** Works this watch had not matched before: fetched, or already stored and linked. */
  newToWatch: number;
  /** Records efetch sent that esearch had not listed: not stored (jobs/fetch-batch.ts). */
  unrequested: number;
  /** Listed records no efetch answered, even asked again by id. */
  missing: number;
  /** Records that could not be read or stored, set aside with the reason (`litwatch set-aside`). */
  setAside: number;
  bySource: { source: string; hits: number; batches: number; linked: number }[];
  cursorMoved: boolean;
  /** Enrichment this poll queued and did not wait for: works (new, changed, or retried) and their enrich-works jobs. */
  enrichment: { works: number; jobs: string[] };
}

/**
 * A try failed and BullMQ tries again later: the watch shows it at once, in words, on /admin and
 * /healthz (watch.poll_failing), instead of "ok" until the last try. The next poll that
 * succeeds clears it.
 */
export async function onFailedTry(payload: Payload, ctx: JobContext, err: Error, tries: { attempt: number; attempts: number }): Promise<void> {
  const error = `${failureInWords(err)} (try ${tries.attempt} of ${tries.attempts}; trying again)`;
  await ctx.services.metrics.recordPoll(payload.watchId, { ok: false, error });
}

/** The poll failed for good (its search, or a batch): counted, shown on the watch, and the watch free for the next poll. */
export async function onFinalFailure(payload: Payload, ctx: JobContext, err: Error): Promise<void> {
  await ctx.services.metrics.add('polls_failed_total');
  const tries = ctx.job.attemptsMade + 1;
  const error = `${failureInWords(err)}${tries > 1 ? ` (failed ${tries} tries; the next scheduled poll tries again)` : ''}`;
  await ctx.services.metrics.recordPoll(payload.watchId, { ok: false, error });
  await ctx.services.pollLocks.release(payload.watchId, pollJobId(ctx));
}

export async function process(payload: Payload, ctx: JobContext): Promise<PollSummary | { watchId: string; skipped: string }> {
  const watch = ctx.services.config().watches.find((w) => w.id === payload.watchId);
  if (!watch) throw new UnrecoverableError(`watch "${payload.watchId}" is not in the config (removed or renamed?)`);
  const { searchDropped, ...rest } = payload;
  let data: Payload = rest;
  if (searchDropped !== undefined) {
    ctx.log.warn(
      { event: 'poll.search_dropped', reason: searchDropped },
      `the stored search of ${watch.id} does not validate (${searchDropped}); searching again`,
    );
    await ctx.job.updateData(data);
  }
  if (!data.window && !watch.enabled) return { watchId: watch.id, skipped: 'watch is disabled' };
  // Taken (or found already ours) at every step: a poll retried by hand in bull-board after
  // another has started must not run beside it either.
  const lock = await ctx.services.pollLocks.take(watch.id, pollJobId(ctx), (holder) => hasEnded(holder, ctx));
  if (!lock.held) {
    // Dropped, not queued behind it: the poll running covers the same window up to today.
    const skipped = `a poll of this watch is already running (job ${lock.holder}); this one is dropped`;
    ctx.log.warn({ event: 'poll.skipped', runningJobId: lock.holder }, `poll of ${watch.id} skipped: ${skipped}`);
    return { watchId: watch.id, skipped };
  }
  if (!data.window) data = await start(data, watch, ctx);
  const sources = data.sources ?? [];
  for (;;) {
    const plans = data.plans ?? [];
    const current = plans.at(-1);
    if (!current || data.step === undefined) {
      const next = sources[plans.length];
      if (!next) break;
      const plan = await planSource(ctx, watch.id, next, watch.query, data.window!);
      data = { ...data, plans: [...plans, plan], step: 'fanout' };
      await ctx.job.updateData(data);
      continue;
    }
    if (data.step === 'fanout') {
      await fanOut(current, plans.length - 1, data.watchId, ctx);
      data = { ...data, step: 'wait' };
      await ctx.job.updateData(data);
    }
    if (ctx.token && (await ctx.job.moveToWaitingChildren(ctx.token))) throw new WaitingChildrenError();
    await closeFullTextPool(fullTextScope(ctx, plans.length - 1), data.watchId, ctx);
    data = { ...data, step: undefined };
    await ctx.job.updateData(data);
  }
  const summary = await finish(data, ctx);
  await ctx.services.pollLocks.release(data.watchId, pollJobId(ctx));
  return summary;
}

function pollJobId(ctx: JobContext): string {
  return ctx.job.id ?? '';
}

/** The lock's holder no longer polls: its job completed, failed for good, or was removed. */
async function hasEnded(holder: string, ctx: JobContext): Promise<boolean> {
  const state = await ctx.services.queues.poll.getJobState(holder);
  return state === 'completed' || state === 'failed' || state === 'unknown';
}

/** Fix the window and the sources for the whole poll, before the first search. */
async function start(data: Payload, watch: { id: string; query: string; sources: readonly ('pubmed' | 'pmc')[] }, ctx: JobContext): Promise<Payload> {
  const hash = queryHash(watch.query);
  const cursor = await ctx.services.cursors.get(watch.id, hash);
  const window = pollWindow({ cursor: cursor?.date, now: ctx.services.now(), ...ctx.services.config().polling });
  ctx.log.info({ event: 'poll.started', window, cursor: cursor?.date, sources: watch.sources }, `polling ${watch.id}`);
  // Works whose enrichment failed and whose backoff has passed, and works tagged offline while
  // PubTator had nothing: ask again now, alongside this poll (nothing here waits for them).
  const now = ctx.services.now().getTime();
  const retry = [...new Set([...(await ctx.services.enrichment.pending.takeDue(now)), ...(await ctx.services.enrichment.dueRetries())])];
  const retryJobs = await queueEnrichment(ctx.services, retry, { jobIdBase: `enrich-retry-${ctx.job.id ?? ''}`, watchId: watch.id });
  const started = { ...data, window, queryHash: hash, sources: [...watch.sources], plans: [], retryJobs, retryWorks: retry.length };
  await ctx.job.updateData(started);
  return started;
}

async function fanOut(plan: FetchPlan, stage: number, watchId: string, ctx: JobContext): Promise<void> {
  if (plan.batches.length === 0) return;
  const parentId = ctx.job.id ?? '';
  const job = plan.source === 'pubmed' ? fetchBatch : fetchPmcBatch;
  await ctx.services.queues.fetch.addBulk(
    plan.batches.map((batch, i) => ({
      name: job.name,
      data: { watchId, db: plan.source, fullTextScope: fullTextScope(ctx, stage), ...batch },
      opts: {
        // Chosen ids: a fan-out repeated after a crash adds nothing twice (':' is reserved by BullMQ).
        jobId: `${job.name}-${parentId.replaceAll(':', '-')}-${stage}-${i}`,
        parent: { id: parentId, queue: ctx.job.queueQualifiedName },
        failParentOnFailure: true,
      },
    })),
  );
}

/** The full-text pool of one stage of this poll: every enrich job its fetch jobs queue adds to it. */
function fullTextScope(ctx: JobContext, stage: number): string {
  return `${(ctx.job.id ?? '').replaceAll(':', '-')}-${stage}`;
}

/**
 * The stage's fetch jobs are done, so the enrich jobs they queued are known: once each has added
 * its PMCIDs (now, or when the last one does), the pool's last part-filled request goes out.
 */
async function closeFullTextPool(scope: string, watchId: string, ctx: JobContext): Promise<void> {
  const children = Object.values(await ctx.job.getChildrenValues<Partial<fetchBatch.FetchResult>>());
  const producers = new Set(children.filter((c) => c.fullTextScope === scope).flatMap((c) => c.enrichJobs ?? []));
  const batches = await ctx.services.enrichment.fullTextPool.close(scope, producers.size);
  await queueFullTexts(ctx.services, batches, watchId);
}

function linkedTotal(plans: { linked: number }[]): number {
  return plans.reduce((sum, p) => sum + p.linked, 0);
}

function withoutWatchId<T extends { watchId: string }>({ watchId: _watchId, ...rest }: T): Omit<T, 'watchId'> {
  return rest;
}

async function finish(data: Payload, ctx: JobContext): Promise<PollSummary> {
  const { services, log } = ctx;
  if (!data.window || !data.queryHash) throw new UnrecoverableError('poll job reached its last step without a search window');
  const totals = { created: 0, updated: 0, unchanged: 0, duplicate: 0, deleted: 0, newToWatch: 0, unrequested: 0, missing: 0, setAside: 0 };
  const enrichment = { works: data.retryWorks ?? 0, jobs: [...(data.retryJobs ?? [])] };
  const children = await ctx.job.getChildrenValues<Partial<fetchBatch.FetchResult>>();
  for (const child of Object.values(children)) {
    for (const field of Object.keys(totals) as (keyof typeof totals)[]) totals[field] += child[field] ?? 0;
    enrichment.works += child.toEnrich ?? 0;
    enrichment.jobs.push(...(child.enrichJobs ?? []));
  }
  const plans = data.plans ?? [];
  const cursorMoved = await services.cursors.advance(data.watchId, data.queryHash, data.window.max);
  const query = services.config().watches.find((w) => w.id === data.watchId)?.query ?? '';
  // What the watch found: works new to it, fetched or already stored (linked), not only new to litwatch.
  const queryWarnings = plans.flatMap((p) => p.warnings ?? []);
  await services.metrics.recordPoll(data.watchId, { ok: true, found: totals.newToWatch + linkedTotal(plans), query, queryWarnings });
  await services.metrics.add('polls_total');
  await services.metrics.add('works_created_total', totals.created);
  const summary: PollSummary = {
    watchId: data.watchId,
    window: data.window,
    hits: plans.reduce((sum, p) => sum + p.hits, 0),
    batches: plans.reduce((sum, p) => sum + p.batches.length, 0),
    linked: linkedTotal(plans),
    ...totals,
    bySource: plans.map((p) => ({ source: p.source, hits: p.hits, batches: p.batches.length, linked: p.linked })),
    cursorMoved,
    enrichment,
  };
  log.info(
    // The job's logger already carries watchId: the summary's own would repeat the key on the line.
    { event: 'poll.completed', ...withoutWatchId(summary), enrichment: { works: enrichment.works, jobs: enrichment.jobs.length } },
    `poll of ${data.watchId}: ${plural(totals.created, 'new work')}, ${enrichment.works} queued for enrichment`,
  );
  return summary;
}
