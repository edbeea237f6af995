import { setTimeout as sleep } from 'node:timers/promises';
import { Job } from 'bullmq';
import type { Services } from '../services.ts';

/** The works of these enrich-works jobs (a work may be in two: a retry and a new find). */
async function worksOf(services: Services, jobIds: readonly string[]): Promise<string[]> {
  const keys = new Set<string>();
  for (const id of jobIds) {
    const job = await Job.fromId<{ workKeys?: string[] }>(services.queues.enrich, id);
    for (const key of job?.data.workKeys ?? []) keys.add(key);
  }
  return [...keys];
}

/** The works of these enrich-works jobs whose cards are still pending (queued, running, or failed and waiting for a later poll). */
export async function pendingWorks(services: Services, jobIds: readonly string[]): Promise<number> {
  let pending = 0;
  for (const key of await worksOf(services, jobIds)) if (await services.enrichment.pending.get(key)) pending++;
  return pending;
}

/**
 * Wait until each of these enrich-works jobs has finished, whatever its outcome (a failed
 * service leaves works pending, not the job failed), and then until the full texts they handed
 * to fetch-full-texts jobs are in (or failed): none of their works still waits untried.
 * The jobs' states are read every
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
  const keys = await worksOf(services, jobIds);
  while ((await services.enrichment.pending.untried(keys)) > 0) await sleep(intervalMs);
}
