import { z } from 'zod';
import { DigestRun } from '../src/digest/compose-digest.ts';
import { digestPeriod } from '../src/digest/digest-period.ts';
import { sharedDigestRun } from '../src/digest/digest-runs.ts';
import { digestId } from '../src/store/digest-store.ts';
import type { JobContext } from '../src/queue/job-module.ts';
import * as sendDigest from './send-digest.ts';

/**
 * Build one subscriber's digest for one period and store it (html, text, its works), then queue
 * the send job, which only talks SMTP. Safe to run twice: a digest that exists is not built
 * again, and queueing its send job again adds nothing (the job id is the digest's).
 */
export const name = 'build-digest';
export const queue = 'digest';

export const payloadSchema = z.object({
  subscriberId: z.string().min(1),
  /** The period the planner computed; the digest is built for it (a late job keeps its period). */
  period: z.string().min(1),
  /** The run it was planned in: jobs of one run share the works they read and the entries they render. */
  run: z.string().min(1).optional(),
});

export type Payload = z.infer<typeof payloadSchema>;

export type BuildOutcome = { digestId: string; works: number; shown: number; status: 'built' | 'exists' } | { status: 'nothing' | 'inactive' };

export async function process(payload: Payload, ctx: JobContext): Promise<BuildOutcome> {
  const { services, log } = ctx;
  const subscriber = await services.subscribers.get(payload.subscriberId);
  if (!subscriber || subscriber.status !== 'active') return { status: 'inactive' };
  const now = services.now();
  const existing = await services.digests.get(digestId(subscriber.id, digestPeriod(subscriber.frequency, now, subscriber.timezone).key));
  if (existing) {
    // Built before (a repeated job, or a worker killed before queueing its send): only make sure it is on its way.
    await queueSend(ctx, existing.id);
    return { digestId: existing.id, works: existing.workKeys.length, shown: existing.workKeys.length, status: 'exists' };
  }
  const run = payload.run ? sharedDigestRun(services, payload.run, now) : new DigestRun(services, now);
  const composed = await run.compose(subscriber);
  if (composed.period.key !== payload.period)
    log.warn({ event: 'digest.period_moved', planned: payload.period, now: composed.period.key }, 'built for the current period');
  if (!composed.email) return { status: 'nothing' };
  const created = await services.digests.create({
    id: composed.id,
    subscriberId: subscriber.id,
    period: composed.period.key,
    subject: composed.email.subject,
    html: composed.email.html,
    text: composed.email.text,
    workKeys: composed.assembled.workKeys,
    notices: composed.notices,
    createdAt: Date.now(),
  });
  await queueSend(ctx, composed.id);
  const outcome = {
    digestId: composed.id,
    works: composed.assembled.workKeys.length,
    shown: composed.assembled.shown,
    status: created ? 'built' : 'exists',
  } as const;
  log.info({ event: 'digest.built', subscriberId: subscriber.id, ...outcome }, `digest ${outcome.status}`);
  return outcome;
}

/** Also for a digest that existed: a worker killed between build and queueing leaves it to us. */
export async function queueSend(ctx: JobContext, digestId: string): Promise<void> {
  await ctx.services.queues.mail.add(sendDigest.name, { digestId }, { jobId: `send-${digestId}` });
}
