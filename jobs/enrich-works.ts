import { z } from 'zod';
import { enrichWorks, type EnrichSummary } from '../src/enrich/enrich-works.ts';
import type { JobContext } from '../src/queue/job-module.ts';

/**
 * Complete the cards of up to 100 stored works: PMC full text, PubTator3 entities, offline
 * tags while PubTator has none (see src/enrich/enrich-works.ts). Fetches only what is missing,
 * so running it twice costs nothing but the PubTator question for still-unannotated works.
 */
export const name = 'enrich-works';
export const queue = 'enrich';

/** PubTator3 takes 100 ids a request: one job, at most one PubTator request per id kind. */
export const MAX_WORKS = 100;

export const payloadSchema = z.object({
  workKeys: z.array(z.string().min(1)).min(1).max(MAX_WORKS),
  // Set on the enrichment of one poll's new works, for the logs.
  watchId: z.string().optional(),
});

export type Payload = z.infer<typeof payloadSchema>;

export async function process(payload: Payload, ctx: JobContext): Promise<EnrichSummary> {
  const summary = await enrichWorks(ctx.services, ctx.log, payload.workKeys);
  ctx.log.info({ event: 'enrich.done', ...summary }, `enriched ${summary.works} works`);
  return summary;
}
