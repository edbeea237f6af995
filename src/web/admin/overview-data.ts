import type { Watch } from '../../config/load-config.ts';
import type { HealthCheck } from '../../health/check-health.ts';
import { schedulerId } from '../../queue/sync-schedulers.ts';
import type { Services } from '../../services.ts';
import type { Digest, DigestStatus } from '../../store/digest-store.ts';
import type { WatchStatus } from '../../store/metrics-store.ts';
import type { SetAsideRecord } from '../../store/set-aside-store.ts';
import { checkHealthWithin } from '../health-routes.ts';
import type { DayCount } from './chart.ts';
import { queueCounts, type QueueCounts } from './queue-counts.ts';

export const CHART_DAYS = 30;
/** Digests looked at for pending and failed ones: the store lists them newest first. */
const RECENT_DIGESTS = 100;
/** Set-aside records listed on the page, newest first; `litwatch set-aside` lists them all. */
export const SET_ASIDE_SHOWN = 50;

export interface WatchRow {
  watch: Watch;
  status: WatchStatus;
  /** When the poll scheduler fires next; undefined for a disabled watch or before the scheduler ran. */
  nextPollAt?: number;
  daily: DayCount[];
  works: number;
}

export interface Overview {
  failing: HealthCheck[];
  watches: WatchRow[];
  totalWorks: number;
  queues: QueueCounts;
  /** How many of the recent digests are in each status. */
  digestCounts: Partial<Record<DigestStatus, number>>;
  /** Recent digests not sent yet or failed, newest first. */
  unsent: Digest[];
  digestsLookedAt: number;
  /** Records a fetch could not store: how many, and the newest. */
  setAside: { total: number; recent: SetAsideRecord[] };
  /** The database: which, how big, how many rows in each durable table. */
  database: { kind: 'postgres' | 'embedded'; bytes: number; rows: Record<string, number> };
}

export async function loadOverview(services: Services, now = Date.now()): Promise<Overview> {
  const [health, watches, totalWorks, queues, digests, bytes, rows, setAsideTotal, setAsideRecent] = await Promise.all([
    checkHealthWithin(services),
    Promise.all(services.config().watches.map((watch) => watchRow(services, watch, now))),
    services.works.count(),
    queueCounts(services.queues),
    services.digests.recent(RECENT_DIGESTS),
    services.system.databaseBytes(),
    services.system.rowCounts(),
    services.setAside.count(),
    services.setAside.list(SET_ASIDE_SHOWN),
  ]);
  const digestCounts: Partial<Record<DigestStatus, number>> = {};
  for (const digest of digests) digestCounts[digest.status] = (digestCounts[digest.status] ?? 0) + 1;
  return {
    failing: health.checks.filter((check) => !check.ok),
    watches,
    totalWorks,
    queues,
    digestCounts,
    unsent: digests.filter((d) => d.status === 'pending' || d.status === 'sending' || d.status === 'failed'),
    digestsLookedAt: digests.length,
    setAside: { total: setAsideTotal, recent: setAsideRecent },
    database: { kind: services.system.databaseKind().kind, bytes, rows },
  };
}

async function watchRow(services: Services, watch: Watch, now: number): Promise<WatchRow> {
  const [status, scheduler, daily, works] = await Promise.all([
    services.metrics.watchStatus(watch.id),
    services.queues.poll.getJobScheduler(schedulerId(watch.id)),
    services.metrics.dailyFound(watch.id, CHART_DAYS, now),
    services.works.count(watch.id),
  ]);
  return { watch, status, daily, works, ...(scheduler?.next !== undefined ? { nextPollAt: scheduler.next } : {}) };
}
