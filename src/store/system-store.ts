import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Database } from './db/database.ts';
import { count, parseRow, parseRows } from './documents.ts';

/** The tables /admin counts (the durable records, in the order shown). */
export const COUNTED_TABLES = [
  'works',
  'work_watches',
  'work_enrichment',
  'work_notices',
  'subscribers',
  'subscriber_sent',
  'owed_notices',
  'subscription_requests',
  'digests',
  'digest_items',
  'set_aside_records',
] as const;

/**
 * What health, metrics and /admin ask about the stores themselves: does each answer, how big
 * is the database, how much memory does Redis use.
 */
export class SystemStore {
  constructor(
    private readonly db: Database,
    private readonly redis: Redis,
  ) {}

  /**
   * Does Redis answer PING in time? Not asked while the connection is lost: the app's
   * connection waits through a Redis outage (connect-redis.ts), so a PING sent then would only
   * queue up behind the others. A connection still being set up (just after start) is asked.
   */
  async redisAnswers(timeoutMs: number): Promise<boolean> {
    if (['wait', 'reconnecting', 'close', 'end'].includes(this.redis.status)) return false;
    return (
      (await within(
        this.redis.ping().catch(() => undefined),
        timeoutMs,
      )) === 'PONG'
    );
  }

  async databaseAnswers(timeoutMs: number): Promise<boolean> {
    const rows = await within(
      this.db.query('SELECT 1 AS ok').catch(() => undefined),
      timeoutMs,
    );
    return rows?.length === 1;
  }

  /** `embedded` (a folder) or `postgres` (a server), and where. */
  databaseKind(): { kind: Database['kind']; where: string } {
    return { kind: this.db.kind, where: this.db.where };
  }

  async databaseBytes(): Promise<number> {
    return parseRow(z.object({ n: count }), (await this.db.query('SELECT pg_database_size(current_database()) AS n'))[0], 'database size')?.n ?? 0;
  }

  /** Exact row counts of the durable tables. */
  async rowCounts(): Promise<Record<(typeof COUNTED_TABLES)[number], number>> {
    const union = COUNTED_TABLES.map((table) => `SELECT '${table}' AS name, count(*) AS n FROM ${table}`).join(' UNION ALL ');
    const rows = parseRows(z.object({ name: z.enum(COUNTED_TABLES), n: count }), await this.db.query(union), 'row count');
    return Object.fromEntries(rows.map((row) => [row.name, row.n])) as Record<(typeof COUNTED_TABLES)[number], number>;
  }

  /** Redis's `used_memory` (bytes). */
  async redisUsedMemory(): Promise<number> {
    const info = await this.redis.info('memory');
    return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
  }

  /** Redis's eviction policy: BullMQ needs `noeviction`, or queued jobs can vanish. */
  async redisEvictionPolicy(): Promise<string | undefined> {
    const reply = (await this.redis.config('GET', 'maxmemory-policy')) as string[];
    return reply[1];
  }
}

async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, ms, undefined)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
