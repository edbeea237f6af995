import { z } from 'zod';
import { recordFailedTry } from '../src/enrich/enrich-failures.ts';
import { enrichWorks, type EnrichSummary } from '../src/enrich/enrich-works.ts';
import type { JobContext } from '../src/queue/job-module.ts';
import type { Services } from '../src/services.ts';
import type { EnrichStep } from '../src/store/enrichment-store.ts';
import type { WantedFullText } from '../src/store/full-text-pool.ts';
import { plural } from '../src/text/plural.ts';
import { queueFullTexts } from './fetch-full-texts.ts';

/**
 * Complete the cards of up to 200 stored works: the ID converter's PMCIDs, PubTator3 entities,
 * offline tags while PubTator has none, a model summary, and their PMC full texts handed to
 * fetch-full-texts jobs through the poll stage's pool (see src/enrich/enrich-works.ts). Fetches
 * only what is missing, so running it twice costs nothing but the PubTator question for
 * still-unannotated works. Queued on its own, never as a child: nothing waits for it, so a
 * failing service cannot hold a poll's cursor or a work's delivery. A service that fails leaves
 * its works pending (the job itself succeeds); a later poll queues them again, with backoff.
 */
export const name = 'enrich-works';
export const queue = 'enrich';

/**
 * The ID converter takes 200 ids a request and a fetch batch stores 200 works: one job per batch
 * makes one ID-converter request and two PubTator3 requests (100 ids each), the fewest the
 * services' batch limits allow. (Queued jobs of the old 100-work size still parse.)
 */
export const MAX_WORKS = 200;

export const payloadSchema = z.object({
  workKeys: z.array(z.string().min(1)).min(1).max(MAX_WORKS),
  // Set on the enrichment of one poll's new works, for the logs.
  watchId: z.string().optional(),
  /**
   * The pool its full texts go to: one per poll stage, closed by the poll once its fetch jobs
   * are done (src/store/full-text-pool.ts). Absent (a retry): the job is alone in its pool.
   */
  fullTextScope: z.string().min(1).optional(),
});

export type Payload = z.infer<typeof payloadSchema>;

/**
 * The job itself failed for good (not a service: those are caught per step): its works stay
 * pending as failed, so health shows them and a later poll tries them again with backoff.
 */
export async function onFinalFailure(payload: Payload, ctx: JobContext, err: Error): Promise<void> {
  // It adds nothing to its pool: counted as done there, so the poll's last part-filled request still goes out.
  await handOff(payload, ctx, []);
  const steps: EnrichStep[] = ['pmcid', 'full text', 'entities', 'summary'];
  await recordFailedTry(ctx.services.enrichment.pending, payload.workKeys, steps, err.message, ctx.services.now().getTime());
}

export async function process(payload: Payload, ctx: JobContext): Promise<EnrichSummary> {
  const summary = await enrichWorks(ctx.services, ctx.log, payload.workKeys, { owner: ctx.job.id, handOff: (wanted) => handOff(payload, ctx, wanted) });
  if (summary.failed)
    ctx.log.warn({ event: 'enrich.failed', ...summary }, `${summary.failed} of ${summary.works} works still pending enrichment; a later poll tries again`);
  else ctx.log.info({ event: 'enrich.done', ...summary }, `enriched ${plural(summary.works, 'work')}`);
  return summary;
}

/** Into this job's pool; the batches it hands back (full, or the pool's last) become fetch-full-texts jobs. */
async function handOff(payload: Payload, ctx: JobContext, wanted: WantedFullText[]): Promise<void> {
  const producer = ctx.job.id ?? '';
  const scope = payload.fullTextScope ?? `job-${producer}`;
  const batches = await ctx.services.enrichment.fullTextPool.add(scope, producer, wanted, payload.fullTextScope ? {} : { closeWith: 1 });
  await queueFullTexts(ctx.services, batches, payload.watchId);
}

/**
 * Mark these works pending and queue their enrichment, 200 a job, under ids derived from
 * `jobIdBase` (chosen: a caller that runs twice queues nothing twice). Returns the job ids, so
 * a caller may wait for them (`poll --now --wait-enrichment`).
 */
export async function queueEnrichment(
  services: Services,
  workKeys: string[],
  options: { jobIdBase: string; watchId?: string; fullTextScope?: string },
): Promise<string[]> {
  if (workKeys.length === 0) return [];
  await services.enrichment.pending.markPending(workKeys, services.now().getTime());
  const base = options.jobIdBase.replaceAll(':', '-');
  const jobs = [];
  for (let start = 0, i = 0; start < workKeys.length; start += MAX_WORKS, i++) {
    jobs.push({
      name,
      data: {
        workKeys: workKeys.slice(start, start + MAX_WORKS),
        ...(options.watchId ? { watchId: options.watchId } : {}),
        ...(options.fullTextScope ? { fullTextScope: options.fullTextScope } : {}),
      },
      opts: { jobId: `${base}-${i}` },
    });
  }
  await services.queues.enrich.addBulk(jobs);
  return jobs.map((job) => job.opts.jobId);
}
