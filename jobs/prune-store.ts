import { z } from 'zod';
import type { JobContext } from '../src/queue/job-module.ts';

/**
 * Daily: keep the database's growth bounded (config `retention`). Sent history older than
 * `sentDays` decides nothing any more (it goes a whole digest's works at a time); digests older
 * than `digestDays` go;
 * subscription requests nobody confirmed in time are dropped.
 */
export const name = 'prune-store';
export const queue = 'poll';

export const payloadSchema = z.object({});
export type Payload = z.infer<typeof payloadSchema>;

const DAY_MS = 86_400_000;

export async function process(_payload: Payload, ctx: JobContext): Promise<{ sent: number; digests: number; requests: number }> {
  const { services, log } = ctx;
  const { sentDays, digestDays } = services.config().retention;
  const now = Date.now();
  const pruned = {
    sent: await services.subscribers.pruneSent(now - sentDays * DAY_MS),
    digests: await services.digests.prune(now - digestDays * DAY_MS),
    requests: await services.subscribers.dropExpiredRequests(now),
  };
  log.info(
    { event: 'store.pruned', ...pruned, sentDays, digestDays },
    `pruned ${pruned.sent} sent deliveries, ${pruned.digests} digests, ${pruned.requests} expired requests`,
  );
  return pruned;
}
