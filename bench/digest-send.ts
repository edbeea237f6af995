/**
 * Digests for 10,000 subscribers, built and sent through the real queues to a local SMTP sink
 * at a configured rate of 200 messages/s: wall time, achieved rate as a share of the configured
 * one, peak RSS of the litwatch process (builders and senders). The sink is another process.
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import * as planDigests from '../jobs/plan-digests.ts';
import { loadEnv } from '../src/config/env.ts';
import { createLogger } from '../src/log.ts';
import { closeWorkers, startWorkers } from '../src/queue/run-workers.ts';
import { redisAnswers } from '../src/redis/connect-redis.ts';
import { createServices } from '../src/services.ts';
import {
  createTestDatabase,
  deletePrefix,
  deleteRateLimitKey,
  ncbiEnv,
  REDIS_URL,
  TEST_SECRET,
  testConfig,
  testDatabaseName,
  testDatabaseUrl,
} from '../test/helpers/test-services.ts';
import { makeArticle } from '../test/fixtures/card/articles.ts';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const WORKS = 10;

export interface DigestFigures {
  subscribers: number;
  configuredRate: number;
  /** From the plan job to the last message accepted by the sink. */
  seconds: number;
  /** Messages per second between the first and the last message. */
  achievedRate: number;
  peakRssMb: number;
  averageMessageKb: number;
  /** Redis memory held by this run's keys at the end (digest bodies are dropped once sent). */
  redisMbAfter: number;
}

export async function digestSend(log: (line: string) => void): Promise<DigestFigures | { skipped: string }> {
  if (!(await redisAnswers(REDIS_URL))) return { skipped: `no Redis answers at ${REDIS_URL}` };
  const sink = await startSink();
  const prefix = `lwbench-digest-${randomBytes(4).toString('hex')}`;
  const base = testConfig([{ id: 'bone', name: 'Bone metastasis', query: 'a' }]);
  const config = { ...base, digest: { ...base.digest, sendRatePerSecond: RATE } };
  // A database of the bench's own on the local PostgreSQL (deletePrefix drops it).
  createTestDatabase(testDatabaseName(prefix));
  const env = loadEnv({
    LITWATCH_PREFIX: prefix,
    DATABASE_URL: testDatabaseUrl(prefix),
    LITWATCH_SECRET: TEST_SECRET,
    SMTP_URL: sink.url,
    LITWATCH_PUBLIC_URL: 'https://litwatch.bench',
    ...ncbiEnv('http://127.0.0.1:9/entrez/eutils'),
  });
  const services = createServices({ env, config, redisUrl: REDIS_URL, log: createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'silent', pretty: false }) });
  try {
    for (let i = 0; i < WORKS; i++)
      await services.works.upsert(makeArticle({ pmid: String(41_900_000 + i), doi: `10.5555/bench.${i}`, title: `Bone metastasis study ${i}` }), 'bone');
    log(`seeding ${SUBSCRIBERS} subscribers…`);
    for (let i = 0; i < SUBSCRIBERS; i++)
      await services.subscribers.save({ email: `reader${i}@bench.example`, watches: ['bone'], frequency: 'daily' }, 'admin');
    const workers = startWorkers(services, { queues: ['digest', 'mail'] });
    const started = performance.now();
    await services.queues.digest.add(planDigests.name, { frequency: 'daily', timezone: 'UTC' });
    let lastReport = 0;
    let counts = await sink.counts();
    while (counts.count < SUBSCRIBERS) {
      await new Promise((r) => setTimeout(r, 200));
      counts = await sink.counts();
      if (performance.now() - lastReport > 5000) {
        log(`  ${counts.count}/${SUBSCRIBERS} messages after ${((performance.now() - started) / 1000).toFixed(0)} s`);
        lastReport = performance.now();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    await closeWorkers(workers);
    const figures: DigestFigures = {
      subscribers: SUBSCRIBERS,
      configuredRate: RATE,
      seconds,
      achievedRate: (counts.count - 1) / ((counts.last - counts.first) / 1000),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      averageMessageKb: counts.bytes / counts.count / 1024,
      redisMbAfter: await prefixMemoryMb(prefix),
    };
    log(
      `${SUBSCRIBERS} digests in ${seconds.toFixed(1)} s; ${figures.achievedRate.toFixed(1)} messages/s = ${((100 * figures.achievedRate) / RATE).toFixed(0)}% of the configured ${RATE}/s; peak RSS ${figures.peakRssMb.toFixed(0)} MB`,
    );
    return figures;
  } finally {
    await services.close();
    await sink.close();
    await deletePrefix(prefix);
    await deleteRateLimitKey('http://127.0.0.1:9/entrez/eutils');
  }
}

interface Sink {
  url: string;
  counts(): Promise<{ count: number; bytes: number; first: number; last: number }>;
  close(): Promise<void>;
}

/** The sink runs in a child process (bench/smtp-sink-process.ts): its CPU is not litwatch's. */
async function startSink(): Promise<Sink> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./smtp-sink-process.ts', import.meta.url))], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const url = String((await lines.next()).value);
  return {
    url,
    async counts() {
      child.stdin!.write('\n');
      return JSON.parse(String((await lines.next()).value));
    },
    async close() {
      child.stdin!.end();
      await once(child, 'exit');
    },
  };
}

/** Bytes Redis holds under the prefix (MEMORY USAGE per key), in MB. */
async function prefixMemoryMb(prefix: string): Promise<number> {
  const redis = new Redis(REDIS_URL);
  let bytes = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    for (const key of keys) bytes += Number((await redis.memory('USAGE', key)) ?? 0);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
  return bytes / 2 ** 20;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await digestSend((line) => console.log(line)));
  process.exit(0);
}
