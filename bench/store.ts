/**
 * The database as system of record, measured (`npm run bench`, or alone:
 * `node --import tsx bench/store.ts`):
 * - works stored per second, in batches of 200 (what one fetch-batch job stores), on the
 *   PostgreSQL server and on the embedded database;
 * - full-text search latency (median, p95 of 100 searches) over 100,000 generated works, and the
 *   database size those works take (PostgreSQL server);
 * - Redis memory after a poll of 10,000 works through the real queues (goal: nothing per work).
 * Articles are generated PubMed XML (bench/generate-efetch.ts) parsed by litwatch's parser, so
 * they carry realistic authors, abstracts and MeSH terms.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import * as pollWatch from '../jobs/poll-watch.ts';
import { loadEnv } from '../src/config/env.ts';
import { createLogger } from '../src/log.ts';
import type { Article } from '../src/parse/article.ts';
import { parsePubmedXml } from '../src/parse/pubmed-stream.ts';
import { openQueueEvents } from '../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../src/queue/run-workers.ts';
import { redisAnswers } from '../src/redis/connect-redis.ts';
import { createServices } from '../src/services.ts';
import type { Database } from '../src/store/db/database.ts';
import { openEmbedded } from '../src/store/db/embedded-database.ts';
import { migratedOnFirstUse, type MigratedDatabase } from '../src/store/db/open-database.ts';
import { openPostgres } from '../src/store/db/postgres-database.ts';
import { WorkStore } from '../src/store/work-store.ts';
import { FakeNcbi } from '../test/helpers/fake-ncbi.ts';
import {
  createTestDatabase,
  deletePrefix,
  deleteRateLimitKey,
  dropTestDatabase,
  ncbiEnv,
  REDIS_URL,
  REFERENCE_DAY,
  testConfig,
  testDatabaseName,
  testDatabaseUrl,
} from '../test/helpers/test-services.ts';
import { articleXml, DOCTYPE } from './generate-efetch.ts';
import { createRng } from './prng.ts';

const BATCH = 200;
const STORE_BATCHES = Number(process.env.BENCH_STORE_BATCHES ?? 10);
const SEARCH_WORKS = Number(process.env.BENCH_SEARCH_WORKS ?? 100_000);
const POLL_WORKS = Number(process.env.BENCH_POLL_WORKS ?? 10_000);
const SEARCHES = 100;
const SEARCH_WORDS = [
  'metastasis',
  'bone',
  'denosumab',
  'fracture',
  'prostate',
  'breast',
  'osteoclast',
  'radiotherapy',
  'survival',
  'zoledronic',
  'skeletal',
  'lung',
  'mice',
  'trial',
  'pain',
];

export interface StoreFigures {
  storeRate: { postgres: number; embedded: number; batches: number };
  search: { works: number; medianMs: number; p95Ms: number; hitsMedian: number; seedSeconds: number };
  databaseBytesPer100k: number;
  redis: { works: number; keys: number; bytes: number; bytesPerWork: number; seconds: number; storeKeys: number } | { skipped: string };
}

const silent = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'silent', pretty: false });

/** Generated PubMed records, parsed as a poll would parse them. */
function articles(count: number, seed: number, firstPmid: number): Article[] {
  const rng = createRng(seed);
  const out: Article[] = [];
  for (let start = 0; start < count; start += 1000) {
    const xml = Array.from({ length: Math.min(1000, count - start) }, (_, i) =>
      articleXml(rng, firstPmid + start + i, { year: 2026, month: 11, day: 1 + ((start + i) % 26) }),
    );
    for (const record of parsePubmedXml(`${DOCTYPE}\n<PubmedArticleSet>\n${xml.join('\n')}\n</PubmedArticleSet>`))
      if (record.kind !== 'deleted') out.push(record);
  }
  return out;
}

/** A database of the bench's own on the PostgreSQL server, dropped afterwards. */
function benchPostgres(name: string): { db: MigratedDatabase; url: string; drop(): void } {
  const prefix = `lwbench-${name}-${randomBytes(4).toString('hex')}`;
  createTestDatabase(testDatabaseName(prefix));
  return {
    db: migratedOnFirstUse(openPostgres(testDatabaseUrl(prefix))),
    url: testDatabaseUrl(prefix),
    drop: () => dropTestDatabase(testDatabaseName(prefix)),
  };
}

async function worksPerSecond(db: MigratedDatabase, batches: Article[][]): Promise<number> {
  await db.ready();
  const works = new WorkStore(db, silent);
  const started = performance.now();
  for (const batch of batches) await works.upsertMany(batch, 'bench');
  const seconds = (performance.now() - started) / 1000;
  const stored = await works.count();
  if (stored !== batches.flat().length) throw new Error(`stored ${stored} works, expected ${batches.flat().length}`);
  return stored / seconds;
}

async function databaseBytes(db: Database): Promise<number> {
  const [row] = await db.query('SELECT pg_database_size(current_database())::float8 AS n');
  return Number(row?.n);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function storeBench(log: (line: string) => void): Promise<StoreFigures> {
  // 1. Works stored per second, batches of 200.
  const sample = articles(STORE_BATCHES * BATCH, 9, 43_000_000);
  const batches = Array.from({ length: STORE_BATCHES }, (_, i) => sample.slice(i * BATCH, (i + 1) * BATCH));
  const pg = benchPostgres('store');
  let postgres: number;
  try {
    postgres = await worksPerSecond(pg.db, batches);
  } finally {
    await pg.db.close();
    pg.drop();
  }
  log(`PostgreSQL: ${postgres.toFixed(0)} works/s (${STORE_BATCHES} batches of ${BATCH})`);
  const dir = mkdtempSync(path.join(tmpdir(), 'litwatch-bench-db-'));
  const embeddedDb = migratedOnFirstUse(openEmbedded(dir));
  let embedded: number;
  try {
    embedded = await worksPerSecond(embeddedDb, batches);
  } finally {
    await embeddedDb.close();
    rmSync(dir, { recursive: true, force: true });
  }
  log(`embedded: ${embedded.toFixed(0)} works/s`);

  // 2. Search over 100,000 works, and what they take on disk.
  const big = benchPostgres('search');
  let search: StoreFigures['search'];
  let databaseBytesPer100k: number;
  try {
    await big.db.ready();
    const empty = await databaseBytes(big.db);
    const works = new WorkStore(big.db, silent);
    const seedStarted = performance.now();
    for (let done = 0; done < SEARCH_WORKS; done += 5000) {
      const chunk = articles(Math.min(5000, SEARCH_WORKS - done), 100 + done, 44_000_000 + done);
      // Eight writers at once, as eight fetch-batch jobs would.
      await Promise.all(
        [0, 1, 2, 3, 4, 5, 6, 7].map(async (lane) => {
          for (let i = lane * BATCH; i < chunk.length; i += 8 * BATCH) await works.upsertMany(chunk.slice(i, i + BATCH), 'bench');
        }),
      );
      if ((done + 5000) % 20_000 === 0) log(`  ${done + 5000} works stored (${((performance.now() - seedStarted) / 1000).toFixed(0)} s)`);
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    await big.db.query('VACUUM ANALYZE works');
    databaseBytesPer100k = ((await databaseBytes(big.db)) - empty) * (100_000 / SEARCH_WORKS);
    const rng = createRng(7);
    const latencies: number[] = [];
    const hits: number[] = [];
    for (let i = 0; i < SEARCHES; i++) {
      const query = i % 2 === 0 ? rng.pick(SEARCH_WORDS) : `${rng.pick(SEARCH_WORDS)} ${rng.pick(SEARCH_WORDS)}`;
      const started = performance.now();
      hits.push((await works.search(query, { limit: 50 })).length);
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    hits.sort((a, b) => a - b);
    search = { works: SEARCH_WORKS, medianMs: percentile(latencies, 50), p95Ms: percentile(latencies, 95), hitsMedian: percentile(hits, 50), seedSeconds };
    log(
      `search over ${SEARCH_WORKS} works: median ${search.medianMs.toFixed(1)} ms, p95 ${search.p95Ms.toFixed(1)} ms (${search.hitsMedian} hits median, limit 50); ${(databaseBytesPer100k / 1e6).toFixed(0)} MB per 100,000 works`,
    );
  } finally {
    await big.db.close();
    big.drop();
  }

  // 3. Redis after a poll of 10,000 works.
  const redis = await redisAfterPoll(log);
  return { storeRate: { postgres, embedded, batches: STORE_BATCHES }, search, databaseBytesPer100k, redis };
}

async function redisAfterPoll(log: (line: string) => void): Promise<StoreFigures['redis']> {
  if (!(await redisAnswers(REDIS_URL))) return { skipped: `no Redis answers at ${REDIS_URL}` };
  const prefix = `lwbench-redis-${randomBytes(4).toString('hex')}`;
  createTestDatabase(testDatabaseName(prefix));
  const ncbi = await new FakeNcbi().start();
  const rng = createRng(11);
  const records = Array.from({ length: POLL_WORKS }, (_, i) => ({
    pmid: String(45_000_000 + i),
    edat: `2026/11/${String(1 + (i % 26)).padStart(2, '0')}`,
    xml: articleXml(rng, 45_000_000 + i, { year: 2026, month: 11, day: 1 + (i % 26) }),
  }));
  ncbi.addRecords(records);
  const QUERY = '"bone metastas*"[tiab]';
  ncbi.setQuery(
    QUERY,
    records.map((r) => r.pmid),
  );
  const env = loadEnv({ LITWATCH_PREFIX: prefix, DATABASE_URL: testDatabaseUrl(prefix), ...ncbiEnv(ncbi.url) });
  const services = createServices({ env, config: testConfig([{ id: 'bench', query: QUERY }]), redisUrl: REDIS_URL, log: silent, now: () => REFERENCE_DAY });
  const workers = startWorkers(services);
  const events = await openQueueEvents(services, 'poll');
  const client = new Redis(REDIS_URL);
  try {
    const started = performance.now();
    const job = await services.queues.poll.add(pollWatch.name, { watchId: 'bench' }, { jobId: 'poll-bench' });
    await job.waitUntilFinished(events.events, 600_000);
    const seconds = (performance.now() - started) / 1000;
    const works = await services.works.count();
    let keys = 0;
    let bytes = 0;
    let storeKeys = 0;
    let cursor = '0';
    do {
      const [next, found] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      for (const key of found) {
        keys += 1;
        if (key.startsWith(`${prefix}:store:`)) storeKeys += 1;
        bytes += Number(await client.memory('USAGE', key)) || 0;
      }
      cursor = next;
    } while (cursor !== '0');
    log(
      `poll of ${works} works: ${seconds.toFixed(0)} s; Redis holds ${keys} keys of the installation (${storeKeys} of the store), ${(bytes / 1e6).toFixed(2)} MB, ${(bytes / works).toFixed(0)} bytes per work`,
    );
    return { works, keys, bytes, bytesPerWork: bytes / works, seconds, storeKeys };
  } finally {
    await client.quit();
    await closeWorkers(workers);
    await events.close();
    await services.close();
    await ncbi.close();
    await deletePrefix(prefix);
    await deleteRateLimitKey(ncbi.url);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await storeBench((line) => console.log(`  ${line}`));
  console.log(JSON.stringify(figures, null, 2));
}
