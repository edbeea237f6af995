import type { Queue } from 'bullmq';
import type { DigestSettings } from '../config/watches-schema.ts';
import type { Subscriber } from '../store/subscriber-store.ts';

const PREFIX = 'digest-';

/** `digest-daily-Europe~Paris`: ids avoid ':' (BullMQ's separator); '/' in zone names becomes '~'. */
export function digestSchedulerId(frequency: string, timezone: string): string {
  return `${PREFIX}${frequency}-${timezone.replaceAll('/', '~')}`;
}

/**
 * One job scheduler per (frequency, time zone) that active subscribers use, each firing the
 * frequency's cron (config digest.schedules) in that zone: a reader in Tokyo gets the daily
 * digest at 07:00 Tokyo time. Schedulers nobody uses any more are removed. Idempotent.
 */
export async function syncDigestSchedulers(
  digestQueue: Queue,
  settings: DigestSettings,
  subscribers: readonly Subscriber[],
): Promise<{ upserted: string[]; removed: string[] }> {
  const wanted = new Map<string, { frequency: Subscriber['frequency']; timezone: string }>();
  for (const subscriber of subscribers) {
    if (subscriber.status !== 'active') continue;
    wanted.set(digestSchedulerId(subscriber.frequency, subscriber.timezone), { frequency: subscriber.frequency, timezone: subscriber.timezone });
  }
  for (const [id, { frequency, timezone }] of wanted) {
    await digestQueue.upsertJobScheduler(id, { pattern: settings.schedules[frequency], tz: timezone }, { name: 'plan-digests', data: { frequency, timezone } });
  }
  const removed: string[] = [];
  for (const scheduler of await digestQueue.getJobSchedulers(0, -1)) {
    if (scheduler.key.startsWith(PREFIX) && !wanted.has(scheduler.key)) {
      await digestQueue.removeJobScheduler(scheduler.key);
      removed.push(scheduler.key);
    }
  }
  return { upserted: [...wanted.keys()], removed };
}
