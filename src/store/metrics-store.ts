import type { Redis } from 'ioredis';
import type { QueryWarning } from '../poll/query-warnings.ts';
import { storeKeys, type StoreKeys } from './keys.ts';

/**
 * Counters every process adds to, in Redis, so /metrics and the dashboard see the whole
 * installation, not one process: totals, NCBI's current error streak, works found per watch per
 * day, and each watch's last poll.
 */
export const COUNTERS = [
  'polls_total',
  'polls_failed_total',
  'works_created_total',
  'ncbi_requests_total',
  'ncbi_rate_limited_total',
  'ncbi_errors_total',
  'ncbi_unexpected_replies_total',
  'digests_sent_total',
  'digests_failed_total',
] as const;

export type Counter = (typeof COUNTERS)[number];

export type NcbiOutcome = 'ok' | 'rate_limited' | 'error' | 'unexpected';

export interface WatchStatus {
  lastPollAt?: number;
  lastPollOk?: boolean;
  /** When a poll last found a new work for this watch. */
  lastFoundAt?: number;
  lastError?: string;
  /** The query the last successful poll ran (watch preview compares an edited query with it). */
  query?: string;
  /** What PubMed or PMC searched instead of that query as written, at the last successful poll. */
  queryWarnings?: QueryWarning[];
}

const DAY_MS = 86_400_000;

export function dayKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export class MetricsStore {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
  }

  async add(counter: Counter, by = 1): Promise<void> {
    if (by !== 0) await this.redis.hincrby(this.keys.metrics, counter, by);
  }

  async counters(): Promise<Record<Counter, number>> {
    const values = await this.redis.hmget(this.keys.metrics, ...COUNTERS);
    return Object.fromEntries(COUNTERS.map((name, i) => [name, Number(values[i] ?? 0)])) as Record<Counter, number>;
  }

  /** One request to NCBI: counted, and a bad answer (429, 5xx, timeout) lengthens the error streak a good one ends. */
  async ncbiRequest(outcome: NcbiOutcome): Promise<void> {
    const pipeline = this.redis.pipeline().hincrby(this.keys.metrics, 'ncbi_requests_total', 1);
    if (outcome === 'ok') pipeline.set(this.keys.ncbiErrorStreak, 0);
    else pipeline.incr(this.keys.ncbiErrorStreak).hincrby(this.keys.metrics, outcome === 'rate_limited' ? 'ncbi_rate_limited_total' : outcome === 'unexpected' ? 'ncbi_unexpected_replies_total' : 'ncbi_errors_total', 1);
    await pipeline.exec();
  }

  async ncbiErrorStreak(): Promise<number> {
    return Number((await this.redis.get(this.keys.ncbiErrorStreak)) ?? 0);
  }

  /** A poll finished: its outcome, and the works it found new (per day, for the chart). */
  async recordPoll(watchId: string, outcome: { ok: true; found: number; query: string; queryWarnings?: QueryWarning[] } | { ok: false; error: string }, now = Date.now()): Promise<void> {
    const status = this.keys.watchStatus(watchId);
    const pipeline = this.redis.pipeline().hset(status, 'lastPollAt', now, 'lastPollOk', outcome.ok ? '1' : '0');
    if (outcome.ok) {
      pipeline.hset(status, 'query', outcome.query).hdel(status, 'lastError').hincrby(this.keys.watchDaily(watchId), dayKey(now), outcome.found);
      // What the last successful poll's searches said about the query; none means the query was searched as written.
      if (outcome.queryWarnings?.length) pipeline.hset(status, 'queryWarnings', JSON.stringify(outcome.queryWarnings));
      else pipeline.hdel(status, 'queryWarnings');
      if (outcome.found > 0) pipeline.hset(status, 'lastFoundAt', now);
    } else {
      pipeline.hset(status, 'lastError', outcome.error.slice(0, 500));
    }
    await pipeline.exec();
  }

  async watchStatus(watchId: string): Promise<WatchStatus> {
    const fields = await this.redis.hgetall(this.keys.watchStatus(watchId));
    return {
      ...(fields.lastPollAt ? { lastPollAt: Number(fields.lastPollAt) } : {}),
      ...(fields.lastPollOk ? { lastPollOk: fields.lastPollOk === '1' } : {}),
      ...(fields.lastFoundAt ? { lastFoundAt: Number(fields.lastFoundAt) } : {}),
      ...(fields.lastError ? { lastError: fields.lastError } : {}),
      ...(fields.query ? { query: fields.query } : {}),
      ...(fields.queryWarnings ? { queryWarnings: JSON.parse(fields.queryWarnings) as QueryWarning[] } : {}),
    };
  }

  /** Works found per day for the last `days` days, oldest first, zero-filled. */
  async dailyFound(watchId: string, days = 30, now = Date.now()): Promise<{ day: string; count: number }[]> {
    const wanted = Array.from({ length: days }, (_, i) => dayKey(now - (days - 1 - i) * DAY_MS));
    const values = await this.redis.hmget(this.keys.watchDaily(watchId), ...wanted);
    return wanted.map((day, i) => ({ day, count: Number(values[i] ?? 0) }));
  }
}
