/**
 * Building digests for 10,000 subscribers of one watch with 50 long works (issue 12 item 3):
 * from the plan job to the last digest stored, with the digest workers in a child process of
 * their own, so its peak RSS is the builders' alone (seeding happens in this process). Nothing
 * is sent: the send jobs are left queued and deleted with the prefix.
 *
 * `node --import tsx bench/digest-build.ts` (BENCH_SUBSCRIBERS, BENCH_WORKS to change the size).
 *
 * `node --import tsx bench/digest-build.ts --storage`: what a year of digests leaves in the
 * database per subscriber (issue 21 item 4): BENCH_STORAGE_SUBSCRIBERS (50) subscribers each sent
 * 365 daily digests of 20 works through the digest store (create, then markSent), then the bytes
 * of the tables that record digests and sent history (pg_total_relation_size: rows, indexes,
 * TOAST), divided by the subscribers.
 *
 * `node --import tsx bench/digest-build.ts --plan`: the plan job alone for BENCH_PLAN_SUBSCRIBERS
 * (50,000) subscribers, in a child process: how much its RSS grows while it lists them and adds
 * their build jobs (the builds are not run). BENCH_PLAN_MODULE runs another plan module (the
 * one on main, copied beside this one, for a before/after); BENCH_PLAN_HEAP_MB caps the child's
 * heap (does the plan fit in it?).
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as planDigests from '../jobs/plan-digests.ts';
import { loadEnv } from '../src/config/env.ts';
import { createLogger } from '../src/log.ts';
import { closeWorkers, startWorkers } from '../src/queue/run-workers.ts';
import { redisAnswers } from '../src/redis/connect-redis.ts';
import { createServices, type Services } from '../src/services.ts';
import { digestId } from '../src/store/digest-store.ts';
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
import { longArticle, longEntities, longFullText } from '../test/fixtures/mail/long-works.ts';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const WORKS = Number(process.env.BENCH_WORKS ?? 50);
const EUTILS = 'http://127.0.0.1:9/entrez/eutils';

export interface DigestBuildFigures {
  subscribers: number;
  works: number;
  seconds: number;
  digestsPerSecond: number;
  /** Peak RSS of the process running the digest workers. */
  peakRssMb: number;
  averageHtmlKb: number;
}

/**
 * Services on the bench's own PostgreSQL database (created by digestBuild, dropped by
 * deletePrefix): this process seeds it and the child builds from it, and the embedded database
 * serves one process only (it is also the user's own, in var/db, never a bench's to fill).
 */
function servicesFor(prefix: string): Services {
  const config = testConfig([{ id: 'bone', name: 'Bone metastasis', query: 'a' }]);
  const env = loadEnv({
    LITWATCH_PREFIX: prefix,
    DATABASE_URL: testDatabaseUrl(prefix),
    LITWATCH_SECRET: TEST_SECRET,
    LITWATCH_PUBLIC_URL: 'https://litwatch.bench',
    ...ncbiEnv(EUTILS),
  });
  return createServices({
    env,
    config,
    redisUrl: REDIS_URL,
    log: createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'silent', pretty: false }),
    now: () => new Date(),
  });
}

export async function digestBuild(log: (line: string) => void): Promise<DigestBuildFigures | { skipped: string }> {
  if (!(await redisAnswers(REDIS_URL))) return { skipped: `no Redis answers at ${REDIS_URL}` };
  const prefix = `lwbench-build-${randomBytes(4).toString('hex')}`;
  createTestDatabase(testDatabaseName(prefix));
  const services = servicesFor(prefix);
  try {
    log(`seeding ${WORKS} long works and ${SUBSCRIBERS} subscribers…`);
    for (let i = 0; i < WORKS; i++) {
      const article = longArticle(i);
      const { key } = await services.works.upsert(article, 'bone');
      await services.enrichment.saveEntities(key, longEntities(i));
      if (article.pmcid) await services.enrichment.saveFullText(key, longFullText(i));
    }
    for (let i = 0; i < SUBSCRIBERS; i++)
      await services.subscribers.save({ email: `reader${i}@bench.example`, watches: ['bone'], frequency: 'daily' }, 'admin');
    log('building in a child process…');
    const child = await runChild(prefix);
    const digests = await services.digests.recent(20);
    const averageHtmlKb = digests.reduce((sum, d) => sum + Buffer.byteLength(d.html), 0) / Math.max(1, digests.length) / 1024;
    const figures = {
      subscribers: SUBSCRIBERS,
      works: WORKS,
      seconds: child.seconds,
      digestsPerSecond: SUBSCRIBERS / child.seconds,
      peakRssMb: child.peakRssMb,
      averageHtmlKb,
    };
    log(
      `${SUBSCRIBERS} digests of ${WORKS} works built in ${child.seconds.toFixed(1)} s (${figures.digestsPerSecond.toFixed(0)}/s); builder peak RSS ${child.peakRssMb.toFixed(0)} MB; ${averageHtmlKb.toFixed(0)} KB HTML each`,
    );
    return figures;
  } finally {
    await services.close();
    await deletePrefix(prefix);
    await deleteRateLimitKey(EUTILS);
  }
}

const STORAGE_SUBSCRIBERS = Number(process.env.BENCH_STORAGE_SUBSCRIBERS ?? 50);
const DAYS = 365;
const WORKS_A_DAY = 20;
/** The tables digests and sent history are kept in (before and after issue 21 item 4). */
const HISTORY_TABLES = ['digests', 'digest_items', 'subscriber_sent', 'subscriber_sends'] as const;

export interface DigestStorageFigures {
  subscribers: number;
  digestsEach: number;
  worksEach: number;
  bytesPerSubscriberYear: number;
  tables: Record<string, number>;
}

export async function digestStorage(log: (line: string) => void): Promise<DigestStorageFigures | { skipped: string }> {
  if (!(await redisAnswers(REDIS_URL))) return { skipped: `no Redis answers at ${REDIS_URL}` };
  const prefix = `lwbench-store-${randomBytes(4).toString('hex')}`;
  createTestDatabase(testDatabaseName(prefix));
  const services = servicesFor(prefix);
  try {
    log(`sending ${DAYS} digests of ${WORKS_A_DAY} works to each of ${STORAGE_SUBSCRIBERS} subscribers…`);
    const start = Date.parse('2026-01-01T07:00:00Z');
    // Realistic work keys (DOIs), the same works for every subscriber of the watch that day.
    const worksOf = (day: number) => Array.from({ length: WORKS_A_DAY }, (_, i) => `10.1016/j.jbo.2026.${String(day * WORKS_A_DAY + i).padStart(6, '0')}`);
    let next = 0;
    const sendYear = async () => {
      for (let i = next++; i < STORAGE_SUBSCRIBERS; i = next++) {
        const reader = await services.subscribers.save({ email: `reader${i}@bench.example`, watches: ['bone'], frequency: 'daily' }, 'admin');
        for (let day = 0; day < DAYS; day++) {
          const at = start + day * 86_400_000;
          const period = new Date(at).toISOString().slice(0, 10);
          const digest = {
            id: digestId(reader.id, period),
            subscriberId: reader.id,
            period,
            subject: `Bone metastasis: ${WORKS_A_DAY} new`,
            html: 'h',
            text: 't',
          };
          await services.digests.create({ ...digest, workKeys: worksOf(day), notices: [], createdAt: at });
          await services.digests.markSent(digest, at + 60_000);
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, sendYear));
    const all = await services.system.tableBytes();
    const tables = Object.fromEntries(HISTORY_TABLES.filter((t) => t in all).map((t) => [t, all[t as keyof typeof all]]));
    const bytesPerSubscriberYear = Object.values(tables).reduce((sum, n) => sum + n, 0) / STORAGE_SUBSCRIBERS;
    log(
      `${(bytesPerSubscriberYear / 1024).toFixed(0)} KB per subscriber per year at ${WORKS_A_DAY} works a day (${Object.entries(tables)
        .map(([t, n]) => `${t} ${(n / 1024 / 1024).toFixed(1)} MB`)
        .join(', ')})`,
    );
    return { subscribers: STORAGE_SUBSCRIBERS, digestsEach: DAYS, worksEach: DAYS * WORKS_A_DAY, bytesPerSubscriberYear, tables };
  } finally {
    await services.close();
    await deletePrefix(prefix);
  }
}

const PLAN_SUBSCRIBERS = Number(process.env.BENCH_PLAN_SUBSCRIBERS ?? 50_000);

export interface DigestPlanFigures {
  subscribers: number;
  planned: number;
  seconds: number;
  /** How much the plan job added to its process's peak RSS. */
  rssGrowthMb: number;
}

export async function digestPlan(log: (line: string) => void): Promise<DigestPlanFigures | { skipped: string }> {
  if (!(await redisAnswers(REDIS_URL))) return { skipped: `no Redis answers at ${REDIS_URL}` };
  const prefix = `lwbench-plan-${randomBytes(4).toString('hex')}`;
  createTestDatabase(testDatabaseName(prefix));
  const services = servicesFor(prefix);
  try {
    log(`seeding ${PLAN_SUBSCRIBERS} subscribers…`);
    let next = 0;
    const seed = async () => {
      for (let i = next++; i < PLAN_SUBSCRIBERS; i = next++)
        await services.subscribers.save({ email: `reader${i}@bench.example`, watches: ['bone'], frequency: 'daily' }, 'admin');
    };
    await Promise.all(Array.from({ length: 8 }, seed));
    log('planning in a child process…');
    // BENCH_PLAN_HEAP_MB caps the child's V8 old space: what the plan keeps, not the garbage V8 lets pile up before it collects.
    const heap = process.env.BENCH_PLAN_HEAP_MB ? [`--max-old-space-size=${process.env.BENCH_PLAN_HEAP_MB}`] : [];
    const child = spawn(process.execPath, [...heap, '--import', 'tsx', fileURLToPath(import.meta.url), '--plan-child', prefix], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0) throw new Error(`digest plan child exited with ${code}`);
    const figures = { subscribers: PLAN_SUBSCRIBERS, ...(JSON.parse(out.trim().split('\n').pop()!) as Omit<DigestPlanFigures, 'subscribers'>) };
    log(
      `${figures.planned} build jobs planned in ${figures.seconds.toFixed(1)} s; the plan added ${figures.rssGrowthMb.toFixed(0)} MB to its process's peak RSS`,
    );
    return figures;
  } finally {
    await services.close();
    await deletePrefix(prefix);
  }
}

/** The plan child: services warmed up (one query), then the plan job's processor, called as its worker would. */
async function planChild(prefix: string): Promise<void> {
  const services = servicesFor(prefix);
  const plan = (await import(process.env.BENCH_PLAN_MODULE ? path.resolve(process.env.BENCH_PLAN_MODULE) : '../jobs/plan-digests.ts')) as typeof planDigests;
  await services.subscribers.dueForDigest({ frequency: 'daily', timezone: 'UTC' }, undefined, 1);
  await services.queues.digest.getJobCounts();
  const before = process.resourceUsage().maxRSS;
  const started = performance.now();
  const log = createLogger({ level: 'silent', pretty: false });
  // The processor reads only its payload, services and logger; no BullMQ job is behind it here.
  const { planned } = await plan.process({ frequency: 'daily', timezone: 'UTC' }, { job: undefined as never, log, services });
  const seconds = (performance.now() - started) / 1000;
  const rssGrowthMb = (process.resourceUsage().maxRSS - before) / 1024;
  await services.close();
  process.stdout.write(`${JSON.stringify({ planned, seconds, rssGrowthMb })}\n`);
}

async function runChild(prefix: string): Promise<{ seconds: number; peakRssMb: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', prefix], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`digest build child exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** The child: digest workers only, one plan job, wait until every subscriber's send job is queued. */
async function child(prefix: string): Promise<void> {
  const services = servicesFor(prefix);
  const workers = startWorkers(services, { queues: ['digest'] });
  const started = performance.now();
  await services.queues.digest.add(planDigests.name, { frequency: 'daily', timezone: 'UTC' });
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const queued = await services.queues.mail.getJobCountByTypes('waiting', 'delayed', 'prioritized');
    if (queued >= SUBSCRIBERS) break;
    const failed = await services.queues.digest.getFailedCount();
    if (failed > 0) throw new Error(`${failed} digest jobs failed`);
  }
  const seconds = (performance.now() - started) / 1000;
  await closeWorkers(workers);
  await services.close();
  process.stdout.write(`${JSON.stringify({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]!);
  process.exit(0);
} else if (process.argv[2] === '--plan-child') {
  await planChild(process.argv[3]!);
  process.exit(0);
} else if (process.argv[2] === '--plan') {
  console.log(await digestPlan((line) => console.log(line)));
  process.exit(0);
} else if (process.argv[2] === '--storage') {
  console.log(await digestStorage((line) => console.log(line)));
  process.exit(0);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await digestBuild((line) => console.log(line)));
  process.exit(0);
}
