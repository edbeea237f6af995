import type { Queue } from 'bullmq';
import * as checkHealth from '../../jobs/check-health.ts';
import * as checkNotices from '../../jobs/check-notices.ts';
import * as pruneStore from '../../jobs/prune-store.ts';
import * as rereadWorks from '../../jobs/reread-works.ts';

/**
 * Schedulers that do not depend on the config: health checks every five minutes, and the daily
 * search for retractions, errata and expressions of concern, the weekly re-read of the last
 * year's works for the notices their own records name, and the daily pruning of old sent
 * history and digests (config `retention`). Upserted at every start.
 */
export async function syncSystemSchedulers(pollQueue: Queue): Promise<string[]> {
  await pollQueue.upsertJobScheduler('system-check-health', { every: 5 * 60_000 }, { name: checkHealth.name, data: {} });
  await pollQueue.upsertJobScheduler('system-check-notices', { pattern: '30 5 * * *', tz: 'UTC' }, { name: checkNotices.name, data: {} });
  await pollQueue.upsertJobScheduler('system-reread-works', { pattern: '0 4 * * 0', tz: 'UTC' }, { name: rereadWorks.name, data: {} });
  await pollQueue.upsertJobScheduler('system-prune-store', { pattern: '45 4 * * *', tz: 'UTC' }, { name: pruneStore.name, data: {} });
  return ['system-check-health', 'system-check-notices', 'system-reread-works', 'system-prune-store'];
}
