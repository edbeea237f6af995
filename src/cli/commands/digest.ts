import { writeFile } from 'node:fs/promises';
import type { Job } from 'bullmq';
import * as buildDigest from '../../../jobs/build-digest.ts';
import { DigestRun } from '../../digest/compose-digest.ts';
import { digestPeriod } from '../../digest/digest-period.ts';
import { newRunId } from '../../digest/digest-runs.ts';
import { openQueueEvents } from '../../queue/queue-events.ts';
import { closeWorkers, startWorkers, workersListening } from '../../queue/run-workers.ts';
import type { Services } from '../../services.ts';
import { syncConfigSubscribers } from '../../subscribers/sync-config-subscribers.ts';
import { createProgress } from '../progress.ts';
import { plural } from '../../text/plural.ts';
import { loadSettings, openRuntime } from '../runtime.ts';

/**
 * `litwatch digest preview <email> [--html FILE] [--text FILE]`: the subscriber's next digest,
 * composed exactly as it would be sent, printed (text part) or written to the files; nothing is
 * stored, sent or marked as sent.
 */
export async function digestPreviewCommand(email: string, options: { html?: string; text?: string }): Promise<void> {
  const runtime = await openRuntime(await loadSettings());
  try {
    const { services } = runtime;
    await syncConfigSubscribers(services.subscribers, services.config().subscribers);
    const subscriber = await services.subscribers.findByEmail(email);
    if (!subscriber) {
      process.stderr.write(`no subscriber with the address ${email}\n`);
      process.exitCode = 1;
      return;
    }
    const composed = await new DigestRun(services, services.now()).compose(subscriber);
    if (!composed.email) {
      process.stderr.write(`nothing new for ${email} (${composed.period.label}); no email would be sent\n`);
      return;
    }
    if (options.html) {
      await writeFile(options.html, composed.email.html);
      process.stderr.write(`HTML part written to ${options.html} (${kb(composed.email.html)})\n`);
    }
    if (options.text) {
      await writeFile(options.text, composed.email.text);
      process.stderr.write(`text part written to ${options.text} (${kb(composed.email.text)})\n`);
    }
    if (!options.html && !options.text) process.stdout.write(`Subject: ${composed.email.subject}\n\n${composed.email.text}\n`);
    process.stderr.write(
      `${plural(composed.assembled.workKeys.length, 'work')}, ${composed.assembled.shown} listed in the email (preview: nothing stored or sent)\n`,
    );
  } finally {
    await runtime.close();
  }
}

/**
 * `litwatch digest run --now [--subscriber EMAIL]`: build every due digest now (or that
 * subscriber's), through the queues, and wait until every send has finished.
 */
export async function digestRunCommand(options: { now?: boolean; subscriber?: string }): Promise<void> {
  const runtime = await openRuntime(await loadSettings());
  const { services } = runtime;
  // Beside a running litwatch, its workers build and send, and this command waits for them.
  const workers = options.now && !(await workersListening(services, ['digest', 'mail'])) ? startWorkers(services) : [];
  const builds = await openQueueEvents(services, 'digest');
  const sends = await openQueueEvents(services, 'mail');
  try {
    await syncConfigSubscribers(services.subscribers, services.config().subscribers);
    const jobs = await queueBuilds(services, options.subscriber);
    if (jobs === undefined) return;
    if (!options.now) {
      process.stderr.write(`queued ${plural(jobs.length, 'digest build')}; a running \`litwatch start\` will build and send them\n`);
      return;
    }
    const counts = { sent: 0, nothing: 0, failed: 0, skipped: 0 };
    const progress = createProgress();
    // Builds first (they run in parallel in the workers), then the sends they queued.
    const built: string[] = [];
    progress.update('digests built', 0, jobs.length);
    for (const [i, job] of jobs.entries()) {
      const outcome = (await job.waitUntilFinished(builds.events)) as buildDigest.BuildOutcome;
      progress.update('digests built', i + 1, jobs.length);
      if ('digestId' in outcome) built.push(outcome.digestId);
      else counts[outcome.status === 'nothing' ? 'nothing' : 'skipped']++;
    }
    if (built.length > 0) progress.update('digests sent', 0, built.length);
    for (const [i, digestId] of built.entries()) {
      const send = await services.queues.mail.getJob(`send-${digestId}`);
      const result = send
        ? await send.waitUntilFinished(sends.events).then(
            () => 'sent' as const,
            () => 'failed' as const,
          )
        : 'sent';
      counts[result]++;
      progress.update('digests sent', i + 1, built.length);
    }
    progress.stop();
    process.stdout.write(`${plural(counts.sent, 'digest')} sent, ${counts.nothing} with nothing new, ${counts.failed} failed, ${counts.skipped} skipped\n`);
    if (counts.failed > 0) process.exitCode = 1;
  } finally {
    await closeWorkers(workers);
    await builds.close();
    await sends.close();
    await runtime.close();
  }
}

async function queueBuilds(services: Services, email: string | undefined): Promise<Job[] | undefined> {
  let subscribers = (await services.subscribers.list()).filter((s) => s.status === 'active');
  if (email) {
    subscribers = subscribers.filter((s) => s.email.toLowerCase() === email.trim().toLowerCase());
    if (subscribers.length === 0) {
      process.stderr.write(`no active subscriber with the address ${email}\n`);
      process.exitCode = 1;
      return undefined;
    }
  }
  const now = services.now();
  const run = newRunId('cli', now);
  return Promise.all(
    subscribers.map((s) => {
      const period = digestPeriod(s.frequency, now, s.timezone).key;
      return services.queues.digest.add(buildDigest.name, { subscriberId: s.id, period, run }, { jobId: `build-${s.id}-${period}` });
    }),
  );
}

function kb(text: string): string {
  return `${(Buffer.byteLength(text) / 1024).toFixed(1)} KB`;
}
