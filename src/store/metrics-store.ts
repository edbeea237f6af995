import type { RedisClient } from '../redis/connect-redis.ts';
import { z } from 'zod';
import { QUERY_WARNING_KINDS, type QueryWarning } from '../poll/query-warnings.ts';
import type { Database } from './db/database.ts';
import { count, document, documentOf, optionalMs, parseRow, parseRows } from './documents.ts';
import { storeKeys, type StoreKeys } from './keys.ts';
import type { WorkStore } from './work-store.ts';

/**
 * Counters every process adds to, so /metrics and the dashboard see the whole installation:
 * the totals (durable, in the database), NCBI's current error streak (Redis: a passing state,
 * lost with Redis it starts again at 0), works found per watch per day (what `work_watches`
 * says), and each watch's last poll (durable).
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

export function dayKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const statusRow = z.object({
  last_poll_at: optionalMs,
  last_poll_ok: z.boolean().nullable(),
  last_found_at: optionalMs,
  last_error: z.string().nullable(),
  query: z.string().nullable(),
  query_warnings: documentOf(z.array(z.object({ source: z.enum(['pubmed', 'pmc']), kind: z.enum(QUERY_WARNING_KINDS), phrase: z.string() }))).nullable(),
});

export class MetricsStore {
  private readonly keys: StoreKeys;

  constructor(
    private readonly db: Database,
    private readonly redis: RedisClient,
    prefix: string,
    private readonly works: WorkStore,
  ) {
    this.keys = storeKeys(prefix);
  }

  private async increment(counts: Partial<Record<Counter, number>>): Promise<void> {
    const entries = Object.entries(counts).filter(([, by]) => by !== 0);
    if (entries.length === 0) return;
    await this.db.query(
      'INSERT INTO metric_counters (name, value) SELECT * FROM unnest($1::text[], $2::bigint[]) ON CONFLICT (name) DO UPDATE SET value = metric_counters.value + excluded.value',
      [entries.map(([name]) => name), entries.map(([, by]) => by)],
    );
  }

  async add(counter: Counter, by = 1): Promise<void> {
    await this.increment({ [counter]: by });
  }

  async counters(): Promise<Record<Counter, number>> {
    const rows = parseRows(z.object({ name: z.string(), value: count }), await this.db.query('SELECT name, value FROM metric_counters'), 'counter');
    const byName = new Map(rows.map((row) => [row.name, row.value]));
    return Object.fromEntries(COUNTERS.map((name) => [name, byName.get(name) ?? 0])) as Record<Counter, number>;
  }

  /**
   * One request to NCBI: counted, and a bad answer (no answer, 429, 5xx, a reply of the wrong
   * shape) lengthens the error streak a good one ends; `words` says what the bad one was.
   */
  async ncbiRequest(outcome: NcbiOutcome, words?: string): Promise<void> {
    // Two plain commands, not a MULTI: the keys may sit in different Redis Cluster slots, and the
    // last words need not change in step with the count.
    const streak =
      outcome === 'ok'
        ? this.redis.set(this.keys.ncbiErrorStreak, 0)
        : Promise.all([this.redis.incr(this.keys.ncbiErrorStreak), this.redis.set(this.keys.ncbiLastError, (words ?? outcome).slice(0, 500))]);
    const bad: Counter =
      outcome === 'rate_limited' ? 'ncbi_rate_limited_total' : outcome === 'unexpected' ? 'ncbi_unexpected_replies_total' : 'ncbi_errors_total';
    await Promise.all([streak, this.increment({ ncbi_requests_total: 1, ...(outcome === 'ok' ? {} : { [bad]: 1 }) })]);
  }

  async ncbiErrorStreak(): Promise<number> {
    return Number((await this.redis.get(this.keys.ncbiErrorStreak)) ?? 0);
  }

  /** The last bad answer from NCBI, in words; undefined when none was recorded. */
  async ncbiLastError(): Promise<string | undefined> {
    return (await this.redis.get(this.keys.ncbiLastError)) ?? undefined;
  }

  /** A poll finished: its outcome (the works it found are what `work_watches` records). */
  async recordPoll(
    watchId: string,
    outcome: { ok: true; found: number; query: string; queryWarnings?: QueryWarning[] } | { ok: false; error: string },
    now = Date.now(),
  ): Promise<void> {
    const at = new Date(now);
    if (outcome.ok) {
      // What the last successful poll's searches said about the query; none means it was searched as written.
      const warnings = outcome.queryWarnings?.length ? document(outcome.queryWarnings) : null;
      await this.db.query(
        `INSERT INTO watch_status (watch_id, last_poll_at, last_poll_ok, last_found_at, last_error, query, query_warnings) VALUES ($1, $2, true, $3, NULL, $4, $5::jsonb)
         ON CONFLICT (watch_id) DO UPDATE SET last_poll_at = excluded.last_poll_at, last_poll_ok = true, last_error = NULL, query = excluded.query,
           query_warnings = excluded.query_warnings, last_found_at = coalesce(excluded.last_found_at, watch_status.last_found_at)`,
        [watchId, at, outcome.found > 0 ? at : null, outcome.query, warnings],
      );
    } else {
      await this.db.query(
        `INSERT INTO watch_status (watch_id, last_poll_at, last_poll_ok, last_error) VALUES ($1, $2, false, $3)
         ON CONFLICT (watch_id) DO UPDATE SET last_poll_at = excluded.last_poll_at, last_poll_ok = false, last_error = excluded.last_error`,
        [watchId, at, outcome.error.slice(0, 500)],
      );
    }
  }

  async watchStatus(watchId: string): Promise<WatchStatus> {
    const row = parseRow(
      statusRow,
      (
        await this.db.query('SELECT last_poll_at, last_poll_ok, last_found_at, last_error, query, query_warnings FROM watch_status WHERE watch_id = $1', [
          watchId,
        ])
      )[0],
      'watch status',
    );
    if (!row) return {};
    return {
      ...(row.last_poll_at !== undefined ? { lastPollAt: row.last_poll_at } : {}),
      ...(row.last_poll_ok !== null ? { lastPollOk: row.last_poll_ok } : {}),
      ...(row.last_found_at !== undefined ? { lastFoundAt: row.last_found_at } : {}),
      ...(row.last_error ? { lastError: row.last_error } : {}),
      ...(row.query ? { query: row.query } : {}),
      ...(row.query_warnings ? { queryWarnings: row.query_warnings } : {}),
    };
  }

  /** Works found (newly matched by the watch) per day for the last `days` days, oldest first, zero-filled. */
  async dailyFound(watchId: string, days = 30, now = Date.now()): Promise<{ day: string; count: number }[]> {
    return this.works.dailyMatched(watchId, days, now);
  }

  /** The health checks failing now, kept as the set of the last check; returns the set before. */
  async swapHealthFlags(flagged: Set<string>): Promise<Set<string>> {
    const key = this.keys.healthFlagged;
    const replies = await this.redis
      .multi()
      .smembers(key)
      .del(key)
      .sadd(key, ...(flagged.size > 0 ? flagged : ['-']))
      .exec();
    const before = (replies?.[0]?.[1] as string[] | undefined) ?? [];
    return new Set(before.filter((id) => id !== '-'));
  }
}
