import { hostname } from 'node:os';
import { UnrecoverableError, WaitingChildrenError, Worker, type Job } from 'bullmq';
import { NcbiUnexpectedReplyError } from '../ncbi/errors.ts';
import { failureInWords } from '../ncbi/failure-words.ts';
import { z } from 'zod';
import type { Services } from '../services.ts';
import { buildRegistry, jobsOfQueue, type JobRegistry } from './registry.ts';
import { QUEUE_NAMES, type QueueName } from './queue-names.ts';

/**
 * Jobs a worker runs at once, per queue. Polls are few; fetches wait mostly on the shared NCBI
 * rate limit, so a few in flight keep that budget used without piling up requests. Full-text
 * requests are small and many: four in flight keep E-utilities' 10/s (with a key) used while
 * each one's JATS is parsed and stored.
 */
export const DEFAULT_CONCURRENCY: Readonly<Record<QueueName, number>> = { poll: 2, fetch: 3, enrich: 4, fulltext: 4, digest: 4, mail: 10 };

export interface WorkerOptions {
  queues?: readonly QueueName[];
  concurrency?: Partial<Record<QueueName, number>>;
  /** Lock time in ms: how long a job of a crashed worker waits before another takes it. @defaultValue LITWATCH_LOCK_MS */
  lockDurationMs?: number;
}

export function startWorkers(services: Services, options: WorkerOptions = {}, registry: JobRegistry = buildRegistry()): Worker[] {
  const lockMs = options.lockDurationMs ?? services.env.LITWATCH_LOCK_MS;
  if ((options.queues ?? QUEUE_NAMES).includes('mail')) void setMailRate(services);
  return (options.queues ?? QUEUE_NAMES).map((queue) => {
    const worker = new Worker(services.queues[queue].name, (job, token) => runJob(services, registry, job, token), {
      connection: services.queueConnection,
      prefix: services.prefix,
      concurrency: options.concurrency?.[queue] ?? DEFAULT_CONCURRENCY[queue],
      // Stored on each job it runs (`processedBy`): bull-board and the fault suite see which process has it.
      name: workerName(),
      lockDuration: lockMs,
      // Look for stalled jobs (their worker died) at least as often as a lock can expire.
      stalledInterval: Math.min(30_000, lockMs),
      // No `limiter` of its own: the mail rate is the queue's global rate limit (applyConfig), which
      // BullMQ reads from Redis at every fetch, so a live edit holds at once; a worker's own limiter
      // would be fixed at its creation and its duration would override the queue's. A worker
      // resting on the limit looks again within a second (BullMQ's default is 30 s), so a rate
      // raised by an edit holds at once even after a slow rate (one message a minute) was in force.
      ...(queue === 'mail' ? { maximumRateLimitDelay: 1000 } : {}),
    });
    worker.on('error', (err) => services.log.error({ err, queue, event: 'worker.error' }, 'worker error'));
    services.log.debug({ queue, jobs: jobsOfQueue(registry, queue) }, 'worker started');
    return worker;
  });
}

/** `host:pid`, the process a job ran in. */
export function workerName(): string {
  return `${hostname()}:${process.pid}`;
}

/** Validate, run with a job-scoped logger, log the outcome, and let BullMQ see failures. */
async function runJob(services: Services, registry: JobRegistry, job: Job, token?: string): Promise<unknown> {
  const module = registry.get(job.name);
  if (!module) throw new UnrecoverableError(`no handler for job "${job.name}" (queued by a newer or older litwatch?)`);
  const parsed = module.payloadSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid payload for ${job.name}: ${z.prettifyError(parsed.error)}`);
  const watchId = (parsed.data as { watchId?: string }).watchId;
  const log = services.log.child({ queue: job.queueName, job: job.name, jobId: job.id, attempt: job.attemptsMade + 1, watchId });
  const started = performance.now();
  try {
    const result = await module.process(parsed.data, { job, token, log, services });
    log.info({ event: 'job.completed', durationMs: Math.round(performance.now() - started) }, `${job.name} completed`);
    return result;
  } catch (caught) {
    // Moving to waiting-children is BullMQ's control flow, not a failure.
    if (caught instanceof WaitingChildrenError) throw caught;
    // A reply that did not fit was already asked for twice (ncbi-http.ts): retrying the job for minutes cannot help.
    const err = caught instanceof NcbiUnexpectedReplyError ? new UnrecoverableError(failureInWords(caught)) : caught;
    const final = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    log.error(
      { err, event: final ? 'job.failed' : 'job.retrying', durationMs: Math.round(performance.now() - started) },
      `${job.name} failed${final ? '' : '; will retry'}`,
    );
    if (final && module.onFinalFailure && err instanceof Error) {
      await module
        .onFinalFailure(parsed.data, { job, token, log, services }, err)
        .catch((hookErr: unknown) => log.warn({ err: hookErr }, 'recording the failure failed'));
    } else if (!final && module.onFailedTry && err instanceof Error) {
      await module
        .onFailedTry(parsed.data, { job, token, log, services }, err, { attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1 })
        .catch((hookErr: unknown) => log.warn({ err: hookErr }, 'recording the failed try failed'));
    }
    throw err;
  }
}

/**
 * The configured mail rate as the mail queue's global rate limit: it holds for the queue across
 * every worker process and follows live edits (applyConfig sets it again). Set here too for
 * workers started without applyConfig (CLI commands, tests); a failure is logged, not thrown,
 * as the workers are starting anyway and the next applied config sets it again.
 */
export async function setMailRate(services: Services): Promise<void> {
  const rate = mailLimiter(services.config().digest.sendRatePerSecond);
  await services.queues.mail
    .setGlobalRateLimit(rate.max, rate.duration)
    .catch((err: unknown) => services.log.error({ err, event: 'mail.rate_not_set' }, 'could not set the mail rate on the mail queue'));
}

/** messages/s as BullMQ's integer `max` per `duration` ms. */
export function mailLimiter(perSecond: number): { max: number; duration: number } {
  return perSecond >= 1 ? { max: Math.round(perSecond), duration: 1000 } : { max: 1, duration: Math.round(1000 / perSecond) };
}

export async function closeWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((worker) => worker.close()));
}

/**
 * Stop taking jobs and let active ones finish, for at most `boundMs`. Returns true when jobs were
 * still running at the bound: the caller then exits without them. Such a job keeps its lock
 * until the lock expires (LITWATCH_LOCK_MS), then BullMQ's stalled-job check hands it to another
 * worker; every job is safe to run twice. (A later `close(true)` would not help: BullMQ hands
 * back the graceful close already under way.)
 */
export async function closeWorkersWithin(workers: Worker[], boundMs: number): Promise<boolean> {
  const graceful = closeWorkers(workers).then(() => false);
  const timeout = new Promise<true>((resolve) => setTimeout(resolve, boundMs, true).unref());
  return Promise.race([graceful, timeout]);
}

/**
 * Whether workers of a running litwatch (another process) listen on every one of these queues:
 * a CLI command then queues its jobs and waits for them rather than run workers of its own
 * beside theirs. A Redis that does not list its clients (CLIENT LIST refused) says no: the
 * command then runs its own, which is always safe.
 */
export async function workersListening(services: Services, queues: readonly QueueName[]): Promise<boolean> {
  try {
    const counts = await Promise.all(
      queues.map(async (queue) => (await services.queues[queue].getWorkers()).filter((client) => client.addr !== undefined).length),
    );
    return counts.every((count) => count > 0);
  } catch {
    return false;
  }
}
