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

export async function process(payload: Payload, ctx: JobContext): Promise<{ planned: number }> {
  const { services } = ctx;
  const now = services.now();
  const subscribers = (await services.subscribers.list()).filter(
    (s) =>
      s.status === 'active' &&
      s.frequency === payload.frequency &&
      s.timezone === payload.timezone &&
      (!payload.subscriberIds || payload.subscriberIds.includes(s.id)),
  );
  const run = newRunId('plan', now);
  await services.queues.digest.addBulk(
    subscribers.map((subscriber) => {
      const period = digestPeriod(subscriber.frequency, now, subscriber.timezone).key;
      return { name: buildDigest.name, data: { subscriberId: subscriber.id, period, run }, opts: { jobId: `build-${subscriber.id}-${period}` } };
    }),
  );
  ctx.log.info(
    { event: 'digest.planned', frequency: payload.frequency, timezone: payload.timezone, count: subscribers.length },
    `${subscribers.length} digests to build`,
  );
  return { planned: subscribers.length };
}
