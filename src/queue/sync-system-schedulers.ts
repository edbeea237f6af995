import type { Queue } from 'bullmq';
import * as checkHealth from '../../jobs/check-health.ts';
import * as checkNotices from '../../jobs/check-notices.ts';

/**
 * Schedulers that do not depend on the config: health checks every five minutes, and the daily
 * search for retractions, errata and expressions of concern. Upserted at every start.
 */
export async function syncSystemSchedulers(pollQueue: Queue): Promise<string[]> {
  await pollQueue.upsertJobScheduler('system-check-health', { every: 5 * 60_000 }, { name: checkHealth.name, data: {} });
  await pollQueue.upsertJobScheduler('system-check-notices', { pattern: '30 5 * * *', tz: 'UTC' }, { name: checkNotices.name, data: {} });
  return ['system-check-health', 'system-check-notices'];
}
