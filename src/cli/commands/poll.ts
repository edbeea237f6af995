import type { Job } from 'bullmq';
import * as pollWatch from '../../../jobs/poll-watch.ts';
import { openQueueEvents } from '../../queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../queue/run-workers.ts';
import { loadSettings, openRuntime } from '../runtime.ts';

/**
 * `litwatch poll <watch> [--now]`. Without --now the poll is queued for the running service.
 * With --now this process also runs workers, so the poll goes through the same queues and jobs
 * as a scheduled one, and the command waits until the poll and all its fetches have finished.
 */
export async function pollCommand(watchId: string, options: { now?: boolean; json?: boolean }): Promise<void> {
  const settings = await loadSettings();
  const watch = settings.config.watches.find((w) => w.id === watchId);
  if (!watch) {
    const known = settings.config.watches.map((w) => w.id).join(', ') || 'none';
    process.stderr.write(`unknown watch "${watchId}" (watches in the config: ${known})\n`);
    process.exitCode = 1;
    return;
  }
  const runtime = await openRuntime(settings);
  const { services } = runtime;
  const events = await openQueueEvents(services, 'poll');
  const workers = options.now ? startWorkers(services) : [];
  try {
    const job = await services.queues.poll.add(pollWatch.name, { watchId }, { jobId: `poll-${watchId}-cli-${Date.now()}` });
    if (!options.now) {
      process.stderr.write(`queued poll ${job.id}; a running \`litwatch start\` will run it\n`);
      return;
    }
    const stopProgress = showProgress(job);
    try {
      const summary = await job.waitUntilFinished(events.events);
      process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : describe(summary));
    } catch (err) {
      process.stderr.write(`poll of ${watchId} failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    } finally {
      stopProgress();
    }
  } finally {
    await closeWorkers(workers);
    await events.close();
    await runtime.close();
  }
}

/** One stderr line whenever the count of finished fetch batches changes. */
function showProgress(job: Job): () => void {
  let last = '';
  const timer = setInterval(async () => {
    const counts = await job.getDependenciesCount().catch(() => undefined);
    if (!counts) return;
    const done = (counts.processed ?? 0) + (counts.failed ?? 0);
    const total = done + (counts.unprocessed ?? 0);
    const line = total > 0 ? `fetched ${done}/${total} batches` : '';
    if (line && line !== last) process.stderr.write(`${line}\n`);
    last = line;
  }, 500);
  return () => clearInterval(timer);
}

function describe(summary: pollWatch.PollSummary | { watchId: string; skipped: string }): string {
  if ('skipped' in summary) return `${summary.watchId}: skipped (${summary.skipped})\n`;
  return (
    `${summary.watchId}: Entrez dates ${summary.window.min}-${summary.window.max}, ${summary.hits} hits; ` +
    `${summary.created} new works, ${summary.updated} updated, ${summary.unchanged + summary.linked} already stored` +
    `${summary.cursorMoved ? '; cursor moved' : ''}\n`
  );
}
