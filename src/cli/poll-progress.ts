import type { Job } from 'bullmq';
import type { Progress } from './progress.ts';

/** Children listed per poll, at most: a poll of 50,000 hits has 250 fetch batches. */
const MAX_CHILDREN = 10_000;

/**
 * A poll job's progress, read from its children every half second: "search" until the poll has
 * queued its batches, then fetch batches (PubMed and PMC) and enrichments done out of queued.
 * A child's key names its queue (`<prefix>:<queue>:<id>`), which tells the kinds apart.
 */
export function followPoll(job: Job, progress: Progress, intervalMs = 500): () => void {
  progress.begin('search');
  let reading = false;
  const timer = setInterval(async () => {
    if (reading) return;
    reading = true;
    try {
      const deps = await job.getDependencies({ processed: { count: MAX_CHILDREN }, unprocessed: { count: MAX_CHILDREN }, failed: { count: MAX_CHILDREN } });
      const finished = [...Object.keys(deps.processed ?? {}), ...(deps.failed ?? [])];
      const all = [...finished, ...(deps.unprocessed ?? [])];
      for (const [stage, queue] of [
        ['batches fetched', 'fetch'],
        ['enrichment', 'enrich'],
      ] as const) {
        const total = all.filter((key) => isOf(key, queue)).length;
        if (total > 0) progress.update(stage, finished.filter((key) => isOf(key, queue)).length, total);
      }
    } catch {
      // The job may be gone (finished and removed) between two reads: nothing to show.
    } finally {
      reading = false;
    }
  }, intervalMs);
  return () => {
    clearInterval(timer);
    progress.stop();
  };
}

/** On a Redis Cluster the queue's name carries a hash tag: `<prefix>:fetch{poll}:<id>`. */
function isOf(key: string, queue: string): boolean {
  return key.includes(`:${queue}:`) || key.includes(`:${queue}{`);
}
