import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { loadEnv } from '../../src/config/env.ts';
import type { Config } from '../../src/config/load-config.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { rateLimitKeys } from '../../src/ncbi/create-ncbi-http.ts';
import { deleteKeys, type RedisClient } from '../../src/redis/connect-redis.ts';
import { createServices, type Services } from '../../src/services.ts';
import { migratedOnFirstUse, type MigratedDatabase } from '../../src/store/db/open-database.ts';
import { openPostgres } from '../../src/store/db/postgres-database.ts';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The PostgreSQL server tests create their databases on (trust auth, user postgres). */
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The "today" integration tests poll on: a fixed day, so Entrez-date windows are predictable. */
export const REFERENCE_DAY = new Date('2026-11-27T08:00:00Z');

/**
 * A prefix no other test or installation uses, and a database of the same name created on the
 * test server (so a litwatch process a test starts finds it at once); deletePrefix removes both.
 */
export function testPrefix(name: string): string {
  const prefix = `lwtest-${name}-${randomBytes(4).toString('hex')}`;
  createTestDatabase(testDatabaseName(prefix));
  return prefix;
}

/** `lwtest_web_1a2b3c4d`: the prefix as a PostgreSQL identifier. */
export function testDatabaseName(prefix: string): string {
  return prefix
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 63);
}

/** DATABASE_URL of the test's own database. */
export function testDatabaseUrl(prefix: string): string {
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${testDatabaseName(prefix)}`;
  return url.toString();
}

/** The test's own database (see testPrefix), migrated on first use; the test closes it. */
export function testDatabase(prefix: string): MigratedDatabase {
  return migratedOnFirstUse(openPostgres(testDatabaseUrl(prefix)));
}

/** Synchronous (psql), so testPrefix stays synchronous for the tests that call it at load time. */
export function createTestDatabase(name: string): void {
  execFileSync('psql', [TEST_PG_URL, '-qXc', `CREATE DATABASE "${name}"`], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function dropTestDatabase(name: string): void {
  execFileSync('psql', [TEST_PG_URL, '-qXc', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export interface WatchSpec {
  id: string;
  name?: string;
  query: string;
  enabled?: boolean;
  /** PubMed only unless a test is about PMC. */
  sources?: ('pubmed' | 'pmc')[];
}

export function testConfig(watches: WatchSpec[]): Config {
  return {
    polling: { initialLookbackDays: 30, overlapDays: 3 },
    enrichment: { pubtatorRetryDays: 14 },
    digest: { maxItems: 50, schedules: { daily: '0 7 * * *', weekly: '0 7 * * 1' }, backfillDays: 7, sendRatePerSecond: 100 },
    mail: { bounceLimit: 3 },
    health: { silentWatchDays: 7, ncbiErrorStreak: 5, queueStuckMinutes: 30 },
    retention: { sentDays: 400, digestDays: 180 },
    watches: watches.map((w) => ({
      id: w.id,
      name: w.name ?? w.id,
      query: w.query,
      schedule: '0 6 * * *',
      timezone: 'UTC',
      enabled: w.enabled ?? true,
      sources: w.sources ?? ['pubmed'],
    })),
    subscribers: [],
  };
}

/**
 * The environment that points every NCBI service at a local stand-in (FakeNcbi serves them all
 * from one origin), with no offline vocabulary unless a test gives one.
 */
export function ncbiEnv(eutilsUrl: string, vocabDir = path.join(tmpdir(), 'litwatch-no-vocab')): Record<string, string> {
  const origin = new URL(eutilsUrl).origin;
  return {
    NCBI_EUTILS_URL: eutilsUrl,
    PMC_IDCONV_URL: `${origin}/tools/idconv/api/v1/articles/`,
    PUBTATOR_URL: `${origin}/research/pubtator3-api`,
    LITWATCH_VOCAB: vocabDir,
    NCBI_EMAIL: 'tests@litwatch.invalid',
  };
}

/** A secret for signing links in tests (any 32+ characters). */
export const TEST_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';

export function testServices(options: {
  prefix: string;
  eutilsUrl: string;
  config: Config;
  now?: () => Date;
  vocabDir?: string;
  /** More environment (SMTP_URL, LITWATCH_PUBLIC_URL, LITWATCH_OUTBOX...). */
  env?: Record<string, string>;
  /** A logger to read what was logged (see captureLogs); silent by default. */
  log?: Logger;
}): Services {
  const env = loadEnv({
    LITWATCH_PREFIX: options.prefix,
    LITWATCH_SECRET: TEST_SECRET,
    DATABASE_URL: testDatabaseUrl(options.prefix),
    ...ncbiEnv(options.eutilsUrl, options.vocabDir),
    ...options.env,
  });
  return createServices({
    env,
    config: options.config,
    redisUrl: REDIS_URL,
    log: options.log ?? createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', pretty: false }),
    // A reply's own timeout is not what these tests test: at 5 s a busy machine turned a slow
    // local reply into one more counted request (issue 22); a stalled stand-in is still caught.
    ncbi: { backoff: { baseDelayMs: 20, maxDelayMs: 200 }, timeoutMs: 60_000 },
    retry: { attempts: 2, backoffMs: 50 },
    now: options.now ?? (() => REFERENCE_DAY),
  });
}

/**
 * Delete every key under a test prefix (queues and store alike) and drop the test's database.
 * `redis`: the Redis (or Redis Cluster) the test used, when not the one at REDIS_URL.
 */
export async function deletePrefix(prefix: string, redis?: RedisClient): Promise<void> {
  await deleteRedisKeys(prefix, redis);
  dropTestDatabase(testDatabaseName(prefix));
}

/** Delete every Redis key under a prefix, on every master of a cluster: what losing Redis does to an installation. */
export async function deleteRedisKeys(prefix: string, redis?: RedisClient): Promise<number> {
  if (redis) return deleteKeys(redis, `${prefix}:*`);
  const own = new Redis(REDIS_URL);
  try {
    return await deleteKeys(own, `${prefix}:*`);
  } finally {
    await own.quit();
  }
}

/** A logger whose JSON lines are kept in `lines`, to check what litwatch logs (and what it must not). */
export function captureLogs(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { log, lines };
}

/** The NCBI limiter keys are outside every prefix by design (create-ncbi-http.ts): a stand-in's own keys are the test's to delete. */
export async function deleteRateLimitKey(eutilsUrl: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    await redis.del(...rateLimitKeys(loadEnv(ncbiEnv(eutilsUrl))));
  } finally {
    await redis.quit();
  }
}
