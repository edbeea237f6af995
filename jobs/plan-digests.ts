import { z } from 'zod';
import { FREQUENCIES } from '../src/config/watches-schema.ts';
import { digestPeriod } from '../src/digest/digest-period.ts';
import { newRunId } from '../src/digest/digest-runs.ts';
import type { JobContext } from '../src/queue/job-module.ts';
import * as buildDigest from './build-digest.ts';

/**
 * Fired by a digest scheduler (one per frequency and time zone): one build-digest job per active
 * subscriber with that frequency in that zone. Job ids name the subscriber and period, so a plan
 * run twice builds nothing twice.
 */
export const name = 'plan-digests';
export const queue = 'digest';

export const payloadSchema = z.object({
  frequency: z.enum(FREQUENCIES),
  timezone: z.string().min(1),
  /** Only these subscribers (`litwatch digest run --subscriber`). */
  subscriberIds: z.array(z.string()).optional(),
});

export type Payload = z.infer<typeof payloadSchema>;

/**
 * Subscribers read, and build jobs added, this many at a time: the plan's memory stays flat
 * however many subscribers there are (all 50,000 at once and one addBulk took 312 MB more).
 */
export const PAGE = 1000;

export async function process(payload: Payload, ctx: JobContext): Promise<{ planned: number }> {
  const { services } = ctx;
  const now = services.now();
  const run = newRunId('plan', now);
  const due = { frequency: payload.frequency, timezone: payload.timezone, ...(payload.subscriberIds ? { ids: payload.subscriberIds } : {}) };
  let planned = 0;
  let after: string | undefined;
  for (;;) {
    const page = await services.subscribers.dueForDigest(due, after, PAGE);
    if (page.length === 0) break;
    await services.queues.digest.addBulk(
      page.map((subscriber) => {
        const period = digestPeriod(subscriber.frequency, now, subscriber.timezone).key;
        return { name: buildDigest.name, data: { subscriberId: subscriber.id, period, run }, opts: { jobId: `build-${subscriber.id}-${period}` } };
      }),
    );
    planned += page.length;
    after = page.at(-1)?.id;
    if (page.length < PAGE) break;
  }
  ctx.log.info({ event: 'digest.planned', frequency: payload.frequency, timezone: payload.timezone, count: planned }, `${planned} digests to build`);
  return { planned };
}
