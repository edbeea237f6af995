import { waitForEnrichment } from '../../src/enrich/enrichment-progress.ts';
import type { Services } from '../../src/services.ts';
import { PATIENCE_MS } from './until.ts';

/** Polls no longer wait for enrichment: tests about finished cards wait for the jobs a poll queued (failing, not hanging, past `timeoutMs`). */
export async function awaitEnrichment(services: Services, summary: { enrichment?: { jobs: string[] } }, timeoutMs = PATIENCE_MS): Promise<void> {
  const jobs = summary.enrichment?.jobs ?? [];
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`enrichment jobs not finished after ${timeoutMs} ms: ${jobs.join(', ')}`)), timeoutMs);
  });
  try {
    await Promise.race([waitForEnrichment(services, jobs, undefined, 50), expired]);
  } finally {
    clearTimeout(timer);
  }
}
