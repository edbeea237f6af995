/**
 * Building digests for 10,000 subscribers of one watch with 50 long works (issue 12 item 3):
 * from the plan job to the last digest stored, with the digest workers in a child process of
 * their own, so its peak RSS is the builders' alone (seeding happens in this process). Nothing
 * is sent: the send jobs are left queued and deleted with the prefix.
 *
 * `node --import tsx bench/digest-build.ts` (BENCH_SUBSCRIBERS, BENCH_WORKS to change the size).
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as planDigests from '../jobs/plan-digests.ts';
import { loadEnv } from '../src/config/env.ts';
import { createLogger } from '../src/log.ts';
import { closeWorkers, startWorkers } from '../src/queue/run-workers.ts';
import { redisAnswers } from '../src/redis/connect-redis.ts';
import { createServices, type Services } from '../src/services.ts';
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
} else if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await digestBuild((line) => console.log(line)));
  process.exit(0);
}
