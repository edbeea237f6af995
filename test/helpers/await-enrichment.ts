import { waitForEnrichment } from '../../src/enrich/enrichment-progress.ts';
import { openQueueEvents } from '../../src/queue/queue-events.ts';
import type { Services } from '../../src/services.ts';

/** Polls no longer wait for enrichment: tests about finished cards wait for the jobs a poll queued. */
export async function awaitEnrichment(services: Services, summary: { enrichment?: { jobs: string[] } }): Promise<void> {
  const jobs = summary.enrichment?.jobs ?? [];
  if (jobs.length === 0) return;
  const events = await openQueueEvents(services, 'enrich');
  try {
    await waitForEnrichment(services, jobs, events.events);
  } finally {
    await events.close();
  }
}
