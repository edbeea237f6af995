import * as enrichJob from '../../jobs/enrich-works.ts';
import type { JobContext } from '../queue/job-module.ts';

/**
 * Queue enrich-works jobs for these works as children of the running job, so the parent (and
 * the poll above it) finishes once the cards are complete. A failed enrichment is recorded on
 * the parent but does not fail it: the works are stored and the poll's cursor may move; the
 * failed job stays visible.
 */
export async function addEnrichChildren(ctx: JobContext, workKeys: string[], watchId: string, purpose: 'new' | 'retry' = 'new'): Promise<void> {
  if (workKeys.length === 0) return;
  const parentId = ctx.job.id ?? '';
  const jobs = [];
  for (let start = 0, i = 0; start < workKeys.length; start += enrichJob.MAX_WORKS, i++) {
    jobs.push({
      name: enrichJob.name,
      data: { workKeys: workKeys.slice(start, start + enrichJob.MAX_WORKS), watchId },
      opts: {
        jobId: `enrich-${purpose}-${parentId.replaceAll(':', '-')}-${i}`,
        parent: { id: parentId, queue: ctx.job.queueQualifiedName },
        ignoreDependencyOnFailure: true,
      },
    });
  }
  await ctx.services.queues.enrich.addBulk(jobs);
}
