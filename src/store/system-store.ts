import { keyHolders, type RedisClient } from '../redis/connect-redis.ts';
import { z } from 'zod';
import type { Database } from './db/database.ts';
import { count, parseRow, parseRows } from './documents.ts';
import { storeKeys, type StoreKeys } from './keys.ts';

/** The tables /admin counts (the durable records, in the order shown). */
export const COUNTED_TABLES = [
  'works',
  'work_watches',
  'work_enrichment',
  'work_notices',
  'subscribers',
  'subscriber_sends',
  'owed_notices',
  'subscription_requests',
  'digests',
  'set_aside_records',
] as const;

/**
 * What health, metrics and /admin ask about the stores themselves: does each answer, how big
 * is the database, how much memory does Redis use.
 */
export class SystemStore {
  private readonly keys?: StoreKeys;

  constructor(
    private readonly db: Database,
    private readonly redis: RedisClient,
    prefix?: string,
  ) {
    if (prefix !== undefined) this.keys = storeKeys(prefix);
  }

  /**
   * Record in Redis, under the prefix, which database these queues belong to; the first
   * process to start claims them. Returns both ids: `ours` is false when the queues were
   * claimed by another database (their jobs name works and digests this one does not have).
   */
  async claimQueues(): Promise<{ ours: boolean; database: string; claimedBy: string; key: string }> {
    if (!this.keys) throw new Error('SystemStore.claimQueues needs the key prefix');
    const row = parseRow(z.object({ id: z.string() }), (await this.db.query('SELECT id::text AS id FROM database_identity'))[0], 'database identity');
    if (!row) throw new Error('the database has no identity row (migration 0005_database_identity): run `litwatch db migrate`');
    const key = this.keys.databaseId;
    await this.redis.set(key, row.id, 'NX');
    const claimedBy = (await this.redis.get(key)) ?? row.id;
    return { ours: claimedBy === row.id, database: row.id, claimedBy, key };
  }

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

  /** Bytes each durable table takes on disk, with its indexes and TOAST (what a growth figure compares). */
  async tableBytes(): Promise<Record<(typeof COUNTED_TABLES)[number], number>> {
    const union = COUNTED_TABLES.map((table) => `SELECT '${table}' AS name, pg_total_relation_size('${table}') AS n`).join(' UNION ALL ');
    const rows = parseRows(z.object({ name: z.enum(COUNTED_TABLES), n: count }), await this.db.query(union), 'table size');
    return Object.fromEntries(rows.map((row) => [row.name, row.n])) as Record<(typeof COUNTED_TABLES)[number], number>;
  }

  /** Exact row counts of the durable tables. */
  async rowCounts(): Promise<Record<(typeof COUNTED_TABLES)[number], number>> {
    const union = COUNTED_TABLES.map((table) => `SELECT '${table}' AS name, count(*) AS n FROM ${table}`).join(' UNION ALL ');
    const rows = parseRows(z.object({ name: z.enum(COUNTED_TABLES), n: count }), await this.db.query(union), 'row count');
    return Object.fromEntries(rows.map((row) => [row.name, row.n])) as Record<(typeof COUNTED_TABLES)[number], number>;
  }

  /** Redis's `used_memory` (bytes): summed over every master of a cluster, each holding its share of the keys. */
  async redisUsedMemory(): Promise<number> {
    const infos = await Promise.all(keyHolders(this.redis).map((node) => node.info('memory')));
    return infos.reduce((sum, info) => sum + Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0), 0);
  }

  /**
   * Redis's eviction policy: BullMQ needs `noeviction`, or queued jobs can vanish. On a cluster
   * every master is asked (each evicts on its own): the first one that may evict is named, as
   * `policy` with the node it was found on.
   */
  async redisEvictionPolicy(): Promise<{ policy: string; node?: string } | undefined> {
    const nodes = keyHolders(this.redis);
    const replies = await Promise.all(nodes.map(async (node) => (await node.config('GET', 'maxmemory-policy')) as string[]));
    const policies = replies.map((reply, i) => ({
      policy: reply[1],
      node: nodes.length > 1 ? `${nodes[i]!.options.host}:${nodes[i]!.options.port}` : undefined,
    }));
    const found = policies.find((p) => p.policy !== undefined && p.policy !== 'noeviction') ?? policies.find((p) => p.policy !== undefined);
    return found?.policy === undefined ? undefined : { policy: found.policy, ...(found.node ? { node: found.node } : {}) };
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
