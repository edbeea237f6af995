import type { Queue } from 'bullmq';
import type { Watch } from '../config/load-config.ts';
import * as pollWatch from '../../jobs/poll-watch.ts';

const SCHEDULER_PREFIX = 'poll-';

export function schedulerId(watchId: string): string {
  return `${SCHEDULER_PREFIX}${watchId}`;
}

/**
 * One job scheduler per enabled watch, from the config's cron; schedulers of watches that were
 * removed or disabled are removed. Upserting is idempotent, so every start (and every config
 * reload) can call this: restarts never add a second scheduler.
 */
export async function syncSchedulers(pollQueue: Queue, watches: readonly Watch[]): Promise<{ upserted: string[]; removed: string[] }> {
  const wanted = watches.filter((watch) => watch.enabled);
  for (const watch of wanted) {
    await pollQueue.upsertJobScheduler(
      schedulerId(watch.id),
      { pattern: watch.schedule, tz: watch.timezone ?? 'UTC' },
      { name: pollWatch.name, data: { watchId: watch.id } },
    );
  }
  const keep = new Set(wanted.map((watch) => schedulerId(watch.id)));
  const removed: string[] = [];
  for (const scheduler of await pollQueue.getJobSchedulers(0, -1)) {
    if (scheduler.key.startsWith(SCHEDULER_PREFIX) && !keep.has(scheduler.key)) {
      await pollQueue.removeJobScheduler(scheduler.key);
      removed.push(scheduler.key);
    }
  }
  return { upserted: [...keep], removed };
}
