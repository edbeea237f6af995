import { setTimeout as sleep } from 'node:timers/promises';
import { Job } from 'bullmq';
import type { Services } from '../services.ts';

/** The works of these enrich-works jobs whose cards are still pending (queued, running, or failed and waiting for a later poll). */
export async function pendingWorks(services: Services, jobIds: readonly string[]): Promise<number> {
  const keys = new Set<string>(); // a work may be in two jobs (a retry and a new find)
  for (const id of jobIds) {
    const job = await Job.fromId<{ workKeys?: string[] }>(services.queues.enrich, id);
    for (const key of job?.data.workKeys ?? []) keys.add(key);
  }
  let pending = 0;
  for (const key of keys) if (await services.enrichment.pending.get(key)) pending++;
  return pending;
}

/**
 * Wait until each of these enrich-works jobs has finished, whatever its outcome (a failed
 * service leaves works pending, not the job failed). The jobs' states are read every
 * `intervalMs` rather than awaited through QueueEvents: a QueueEvents opened for the wait
 * starts reading its stream only after it is ready, and a job that finishes in between would
 * never be reported (the wait would hang).
 */
export async function waitForEnrichment(
  services: Services,
  jobIds: readonly string[],
  onProgress?: (done: number, total: number) => void,
  intervalMs = 250,
): Promise<void> {
  let done = 0;
  for (const id of jobIds) {
    for (;;) {
      const state = await services.queues.enrich.getJobState(id);
      if (state === 'completed' || state === 'failed' || state === 'unknown') break;
      await sleep(intervalMs);
    }
    onProgress?.(++done, jobIds.length);
  }
}
