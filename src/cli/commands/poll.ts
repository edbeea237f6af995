import * as pollWatch from '../../../jobs/poll-watch.ts';
import { pendingWorks, waitForEnrichment } from '../../enrich/enrichment-progress.ts';
import { openQueueEvents } from '../../queue/queue-events.ts';
import { closeWorkers, startWorkers, workersListening } from '../../queue/run-workers.ts';
import { followPoll } from '../poll-progress.ts';
import { createProgress } from '../progress.ts';
import { plural } from '../../text/plural.ts';
import { loadSettings, openRuntime } from '../runtime.ts';

/**
 * `litwatch poll <watch> [--now [--wait-enrichment]]`. Without --now the poll is queued for the
 * running service. With --now it waits for the poll, and runs the poll and fetch workers itself
 * unless a running litwatch's workers listen on those queues, so the poll
 * goes through the same queues and jobs as a scheduled one, and the command returns once the
 * poll's works are stored, saying how many still wait for enrichment (a running `litwatch
 * start` completes them). With --wait-enrichment it runs the enrich workers too and waits for
 * that enrichment; a service that keeps failing leaves works pending for a later poll, and the
 * command says so instead of waiting for ever.
 */
export async function pollCommand(watchId: string, options: { now?: boolean; waitEnrichment?: boolean; json?: boolean }): Promise<void> {
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
  const waitEnrichment = Boolean(options.now && options.waitEnrichment);
  const queues = waitEnrichment ? (['poll', 'fetch', 'enrich', 'fulltext'] as const) : (['poll', 'fetch'] as const);
  // Beside a running litwatch, its workers run the poll and this command waits for them.
  const workers = options.now && !(await workersListening(services, queues)) ? startWorkers(services, { queues }) : [];
  try {
    const job = await services.queues.poll.add(pollWatch.name, { watchId }, { jobId: `poll-${watchId}-cli-${Date.now()}` });
    if (!options.now) {
      process.stderr.write(`queued poll ${job.id}; a running \`litwatch start\` will run it\n`);
      return;
    }
    const stopProgress = followPoll(job, createProgress());
    let summary: Awaited<ReturnType<typeof pollWatch.process>>;
    try {
      summary = await job.waitUntilFinished(events.events);
    } catch (err) {
      process.stderr.write(`poll of ${watchId} failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
      return;
    } finally {
      stopProgress();
    }
    const jobs = 'enrichment' in summary ? summary.enrichment.jobs : [];
    if (waitEnrichment && jobs.length > 0) {
      const progress = createProgress();
      await waitForEnrichment(services, jobs, (done, total) => progress.update('enrichment', done, total));
      progress.stop();
    }
    const pending = await pendingWorks(services, jobs);
    process.stdout.write(options.json ? `${JSON.stringify({ ...summary, enrichmentPending: pending })}\n` : describe(summary, pending, waitEnrichment));
  } finally {
    await closeWorkers(workers);
    await events.close();
    await runtime.close();
  }
}

function describe(summary: pollWatch.PollSummary | { watchId: string; skipped: string }, pending: number, waited: boolean): string {
  if ('skipped' in summary) return `${summary.watchId}: skipped (${summary.skipped})\n`;
  const enrichment =
    pending === 0
      ? summary.enrichment.works > 0
        ? `; ${plural(summary.enrichment.works, 'enrichment')} done`
        : ''
      : waited
        ? `; ${plural(pending, 'enrichment')} still pending (a service failed: a later poll tries again)`
        : `; ${plural(pending, 'enrichment')} pending (a running \`litwatch start\` completes them; --wait-enrichment waits)`;
  return (
    `${summary.watchId}: Entrez dates ${summary.window.min}-${summary.window.max}, ${plural(summary.hits, 'hit')}; ` +
    `${plural(summary.created, 'new work')}, ${summary.updated} updated, ${summary.unchanged + summary.linked} already stored` +
    `${summary.cursorMoved ? '; cursor moved' : ''}${enrichment}\n`
  );
}
