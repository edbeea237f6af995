import { Job, type QueueEvents } from 'bullmq';
import type { Services } from '../services.ts';

/** The works of these enrich-works jobs whose cards are still pending (queued, running, or failed and waiting for a later poll). */
export async function pendingWorks(services: Services, jobIds: readonly string[]): Promise<number> {
  let pending = 0;
  for (const id of jobIds) {
    const job = await Job.fromId<{ workKeys?: string[] }>(services.queues.enrich, id);
    for (const key of job?.data.workKeys ?? []) if (await services.enrichment.pending.get(key)) pending++;
  }
  return pending;
}

/**
 * Wait until each of these enrich-works jobs has finished, whatever its outcome (a failed
 * service leaves works pending, not the job failed). `events` must be the enrich queue's.
 */
export async function waitForEnrichment(services: Services, jobIds: readonly string[], events: QueueEvents, onProgress?: (done: number, total: number) => void): Promise<void> {
  let done = 0;
  for (const id of jobIds) {
    const job = await Job.fromId(services.queues.enrich, id);
    if (job) await job.waitUntilFinished(events).catch(() => undefined);
    onProgress?.(++done, jobIds.length);
  }
}
