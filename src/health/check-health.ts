import { describeQueryWarning } from '../poll/query-warnings.ts';
import { QUEUE_NAMES } from '../queue/queue-names.ts';
import type { Services } from '../services.ts';
import { plural } from '../text/plural.ts';

/**
 * What a PubMed alert never says: that it is failing silently. Each check has a stable `event`
 * name, used in the logs (health-monitor.ts), on the dashboard and in /metrics.
 */
export interface HealthCheck {
  /** Stable: `watch.silent`, `watch.poll_failing`, `watch.query_warning`, `ncbi.error_streak`, `enrich.failing`, `queue.failing`, `queue.stuck`. */
  event: string;
  /** The watch id or queue name, when the check is about one. */
  subject?: string;
  ok: boolean;
  detail: string;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  checkedAt: number;
  checks: HealthCheck[];
}

const DAY_MS = 86_400_000;

export async function checkHealth(services: Services, now = Date.now()): Promise<HealthReport> {
  // Side by side: each check is a few Redis or database round trips, and /healthz must answer
  // fast even while other requests (a feed flood) queue ahead of each one.
  const [watches, ncbi, enrichment, queues] = await Promise.all([
    watchChecks(services, now),
    ncbiCheck(services),
    enrichmentCheck(services),
    queueChecks(services, now),
  ]);
  const checks = [...watches, ncbi, enrichment, ...queues];
  return { status: checks.every((c) => c.ok) ? 'ok' : 'degraded', checkedAt: now, checks };
}

/**
 * A watch is silent when it found nothing new for longer than `silentWatchDays`, or than twice
 * its usual gap between finds (over the last 60 days) when that is longer: a watch that finds a
 * paper a fortnight is not flagged after a week.
 */
async function watchChecks(services: Services, now: number): Promise<HealthCheck[]> {
  const settings = services.config().health;
  const perWatch = await Promise.all(
    services
      .config()
      .watches.filter((w) => w.enabled)
      .map((watch) => checkWatch(services, watch.id, settings.silentWatchDays, now)),
  );
  return perWatch.flat();
}

/** The checks of one watch: its last poll, its query, and whether it went silent. */
async function checkWatch(services: Services, watchId: string, silentWatchDays: number, now: number): Promise<HealthCheck[]> {
  const checks: HealthCheck[] = [];
  const status = await services.metrics.watchStatus(watchId);
  if (status.lastPollOk === false) {
    checks.push({ event: 'watch.poll_failing', subject: watchId, ok: false, detail: `last poll failed: ${status.lastError ?? 'unknown error'}` });
  }
  // The last poll's query was not searched as written: the watch finds something else than it says.
  const warnings = status.queryWarnings ?? [];
  checks.push({
    event: 'watch.query_warning',
    subject: watchId,
    ok: warnings.length === 0,
    detail: warnings.length === 0 ? 'query searched as written' : warnings.map(describeQueryWarning).join('; '),
  });
  if (status.lastPollAt === undefined) return checks; // never polled yet: nothing to judge
  const gapDays = usualGapDays(await services.metrics.dailyFound(watchId, 60, now));
  const limitDays = Math.max(silentWatchDays, gapDays === undefined ? 0 : 2 * gapDays);
  const since = status.lastFoundAt ?? (await firstMatch(services, watchId));
  const silentDays = since === undefined ? undefined : (now - since) / DAY_MS;
  const silent = silentDays !== undefined && silentDays > limitDays;
  checks.push({
    event: 'watch.silent',
    subject: watchId,
    ok: !silent,
    detail: silent
      ? `nothing new for ${Math.floor(silentDays!)} days (usual gap ${gapDays?.toFixed(1) ?? 'unknown'} days, limit ${limitDays.toFixed(0)})`
      : 'finding works',
  });
  return checks;
}

/** Mean days between days with finds; undefined with fewer than two such days. */
export function usualGapDays(daily: { day: string; count: number }[]): number | undefined {
  const found = daily.filter((d) => d.count > 0).map((d) => Date.parse(d.day));
  if (found.length < 2) return undefined;
  return (found.at(-1)! - found[0]!) / DAY_MS / (found.length - 1);
}

async function firstMatch(services: Services, watchId: string): Promise<number | undefined> {
  return services.works.firstMatchedAt(watchId);
}

async function ncbiCheck(services: Services): Promise<HealthCheck> {
  const streak = await services.metrics.ncbiErrorStreak();
  const limit = services.config().health.ncbiErrorStreak;
  if (streak < limit) return { event: 'ncbi.error_streak', ok: true, detail: `${streak} bad answers in a row` };
  // The last failure in words says which of no answer, 429, 5xx or a reply of the wrong shape it is, and what to check.
  const last = await services.metrics.ncbiLastError();
  return {
    event: 'ncbi.error_streak',
    ok: false,
    detail: `${plural(streak, 'request')} to NCBI failed in a row (they are retried)${last ? `; the last: ${last}` : ''}`,
  };
}

/**
 * Enrichment never holds a poll, so its failures would go unseen: flag works whose enrichment
 * failed and waits for a later poll (they are delivered meanwhile, their cards say what is pending).
 */
async function enrichmentCheck(services: Services): Promise<HealthCheck> {
  const { pending, failed } = await services.enrichment.pending.counts();
  return {
    event: 'enrich.failing',
    ok: failed === 0,
    detail:
      failed === 0
        ? `${plural(pending, 'work')} waiting for enrichment`
        : `${plural(failed, 'work')} could not be enriched (ID converter, PMC, PubTator or summariser failing); later polls try again with backoff`,
  };
}

/**
 * A failed poll (or one of its fetches) stops counting once its watch has polled successfully
 * since: that poll covered the same window again, and the watch's own flag has cleared. Without
 * this, /healthz stayed degraded for an hour after NCBI came back.
 */
async function withoutSuperseded<T extends { data: unknown; finishedOn?: number }>(services: Services, failed: T[]): Promise<T[]> {
  const lastGoodPoll = new Map<string, number | undefined>();
  const kept: T[] = [];
  for (const job of failed) {
    const watchId = (job.data as { watchId?: unknown } | undefined)?.watchId;
    if (typeof watchId !== 'string') {
      kept.push(job);
      continue;
    }
    if (!lastGoodPoll.has(watchId)) {
      const status = await services.metrics.watchStatus(watchId);
      lastGoodPoll.set(watchId, status.lastPollOk ? status.lastPollAt : undefined);
    }
    const good = lastGoodPoll.get(watchId);
    if (good === undefined || good <= (job.finishedOn ?? 0)) kept.push(job);
  }
  return kept;
}

/** A queue is failing with jobs failed in the last hour; stuck with a job waiting or running too long. */
async function queueChecks(services: Services, now: number): Promise<HealthCheck[]> {
  const stuckMs = services.config().health.queueStuckMinutes * 60_000;
  const perQueue = await Promise.all(QUEUE_NAMES.map((name) => checkQueue(services, name, stuckMs, now)));
  return perQueue.flat();
}

async function checkQueue(services: Services, name: (typeof QUEUE_NAMES)[number], stuckMs: number, now: number): Promise<HealthCheck[]> {
  const queue = services.queues[name];
  const [failedJobs, [oldestWaiting], active] = await Promise.all([queue.getFailed(0, 99), queue.getJobs(['wait'], 0, 0, true), queue.getActive(0, 99)]);
  const recent = failedJobs.filter((job) => (job.finishedOn ?? 0) > now - 3_600_000);
  const failed = name === 'poll' || name === 'fetch' ? await withoutSuperseded(services, recent) : recent;
  const waitingTooLong = oldestWaiting !== undefined && now - oldestWaiting.timestamp > stuckMs;
  const runningTooLong = active.find((job) => job.processedOn !== undefined && now - job.processedOn > stuckMs);
  const stuck = waitingTooLong || runningTooLong !== undefined;
  return [
    {
      event: 'queue.failing',
      subject: name,
      ok: failed.length === 0,
      detail:
        failed.length === 0
          ? 'no failures in the last hour'
          : `${plural(failed.length, 'job')} failed in the last hour (last: ${failed[0]?.failedReason ?? ''})`,
    },
    {
      event: 'queue.stuck',
      subject: name,
      ok: !stuck,
      detail: waitingTooLong
        ? 'a job has waited too long: are workers running?'
        : runningTooLong
          ? `job ${runningTooLong.id} has been running too long`
          : 'moving',
    },
  ];
}
