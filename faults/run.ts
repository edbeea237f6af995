/**
 * `npm run faults`: litwatch under faults. Real `litwatch start` and `--role worker` processes
 * run against a private Redis (AOF on), the local NCBI stand-in behind a fault proxy, and a real
 * SMTP server that fails on demand; each round polls a batch of new works and sends a digest to
 * new subscribers, with one fault injected at a random moment; the invariants are checked after
 * each round and a table printed at the end. Not part of `npm test`: it prints figures.
 *
 *   npm run faults -- [--rounds 30] [--works 300] [--subscribers 10] [--workers 2] [--seed 1] [--only SMTP]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as buildDigest from '../jobs/build-digest.ts';
import * as pollWatch from '../jobs/poll-watch.ts';
import { articleXml } from '../bench/generate-efetch.ts';
import { createRng } from '../bench/prng.ts';
import { loadEnv } from '../src/config/env.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { digestPeriod } from '../src/digest/digest-period.ts';
import { createLogger } from '../src/log.ts';
import { createServices, type Services } from '../src/services.ts';
import { FakeNcbi } from '../test/helpers/fake-ncbi.ts';
import { freePort } from '../test/helpers/free-port.ts';
import { faultCycle, faultName, JOB_KINDS, phaseOf, type Fault } from './fault-kinds.ts';
import { LitwatchProcesses } from './litwatch-processes.ts';
import { NcbiFaultProxy } from './ncbi-fault-proxy.ts';
import { PrivateDatabase } from './private-database.ts';
import { PrivateRedis } from './private-redis.ts';
import { TcpProxy } from './tcp-proxy.ts';
import { failedJobs, queueState, tallyDigests } from './round-checks.ts';
import { SmtpFaultServer } from '../test/helpers/smtp-fault-server.ts';
import { printTable, type RoundResult } from './summary-table.ts';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '30' },
    // Sized for 2 shared cores: 30 rounds of 1,000 works and 30 subscribers take well over 30
    // minutes there (every build-digest job reads and renders its round's works anew), 300 and
    // 10 about 15. Pass --works 1000 --subscribers 30 on a machine of your own.
    works: { type: 'string', default: '300' },
    subscribers: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: '2' },
    /** Only the faults whose name contains this (e.g. "Redis", "SMTP", "kill"). */
    only: { type: 'string' },
  },
});
const ROUNDS = bounded(args.rounds, 1, 500, 'rounds');
const WORKS = bounded(args.works, 1, 5000, 'works');
const SUBSCRIBERS = bounded(args.subscribers, 1, 200, 'subscribers');
const WORKER_PROCESSES = bounded(args.workers, 0, 8, 'workers');
const rng = createRng(Number(args.seed));

const WATCH = 'faults';
const QUERY = '"fault suite"[tiab]';
/** How long PostgreSQL is unreachable for litwatch in its round. */
const POSTGRES_CUT_MS = 4000;
/**
 * An NCBI fault lets through a random 0 to 5 of its endpoint's requests first, so it lands early
 * in the poll but not always on its first request (a storm on the esearch alone holds the poll
 * for over a minute). A round's poll of 300 works makes about 20 requests, 10 of them efetch
 * (2 PubMed, about 8 PMC); with far fewer works a fault may find no request left, and the round
 * says it was not injected.
 */
const NCBI_REQUESTS_BEFORE_FAULT = 6;
/** Each phase of a round settles within this, or what is left counts as stuck. */
const PHASE_DEADLINE_MS = 200_000;
/** The whole run stops after this, whatever is left. */
const RUN_DEADLINE_MS = Math.max(20 * 60_000, ROUNDS * 2 * PHASE_DEADLINE_MS);

function bounded(value: string | undefined, min: number, max: number, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry `check` until it returns true or the deadline passes (Redis may be down meanwhile). */
async function until(check: () => Promise<boolean>, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    try {
      if (await check()) return true;
    } catch {
      // Redis restarting, a proxy cut: ask again.
    }
    await sleep(200);
  }
  return false;
}

async function main(): Promise<void> {
  const started = Date.now();
  const runDir = mkdtempSync(path.join(tmpdir(), 'litwatch-faults-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(runDir, { recursive: true, force: true })];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await Promise.resolve(step()).catch(() => {});
  };
  const onSignal = () => void cleanup().then(() => process.exit(130));
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const redis = new PrivateRedis(path.join(runDir, 'redis'), await freePort());
    await redis.start();
    cleanups.push(() => redis.stop());
    const fake = await new FakeNcbi().start();
    cleanups.push(() => fake.close());
    const ncbi = await new NcbiFaultProxy(new URL(fake.url).origin).start();
    cleanups.push(() => ncbi.close());
    const smtp = await new SmtpFaultServer().start();
    cleanups.push(() => smtp.close());
    // PostgreSQL: a database of its own on the tests' server; litwatch reaches it through a
    // proxy that can cut it off, the suite's own checks directly.
    const database = new PrivateDatabase();
    database.create();
    cleanups.push(() => database.drop());
    const pgProxy = await new TcpProxy(database.serverPort).start();
    cleanups.push(() => pgProxy.close());

    const configDir = path.join(runDir, 'config');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(configDir);
    writeFileSync(
      path.join(configDir, 'watches.yaml'),
      // No backfill: a new subscriber's digest holds the works found after it subscribed, i.e.
      // this round's, not every earlier round's (which would make each build read them all).
      `digest:\n  sendRatePerSecond: 100\n  backfillDays: 0\nwatches:\n  - id: ${WATCH}\n    name: Fault suite\n    query: ${JSON.stringify(QUERY)}\n    schedule: "0 3 1 1 *"\n    sources: [pubmed]\n`,
    );
    const port = await freePort();
    const envVars: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? runDir,
      REDIS_URL: redis.url,
      LITWATCH_PREFIX: 'faults',
      LITWATCH_CONFIG: configDir,
      NCBI_EUTILS_URL: `${ncbi.origin}/entrez/eutils`,
      PMC_IDCONV_URL: `${ncbi.origin}/tools/idconv/api/v1/articles/`,
      PUBTATOR_URL: `${ncbi.origin}/research/pubtator3-api`,
      NCBI_EMAIL: 'faults@litwatch.invalid',
      // The stand-in's own limiter key (its host is 127.0.0.1:port); 10 requests/s as with a key.
      NCBI_API_KEY: 'faultsuitekey0123456789',
      LITWATCH_VOCAB: path.join(runDir, 'no-vocab'),
      SMTP_URL: smtp.url,
      LITWATCH_SECRET: 'fault-suite-secret-0123456789abcdef0123456789',
      LITWATCH_PUBLIC_URL: `http://127.0.0.1:${port}`,
      // Workers refuse to start without the settings every process must share (shared-settings.ts).
      DASHBOARD_PASSWORD: 'fault-suite-dashboard',
      PORT: String(port),
      // A killed worker's jobs come back after this (BullMQ's lock), not after the default 30 s.
      // Not less: on 2 busy cores a live process's timers can lag 5 s, and a job whose lock
      // lapses while it still runs is taken for stalled (it then ends "stalled more than
      // allowable limit" although its work was done).
      LITWATCH_LOCK_MS: '10000',
      LITWATCH_SHUTDOWN_MS: '3000',
      LITWATCH_OUTBOX: path.join(runDir, 'outbox'),
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url(pgProxy.port),
    };
    const env = loadEnv({ ...envVars, DATABASE_URL: database.url() });
    const services = createServices({ env, config: await loadConfig(configDir), redisUrl: redis.url, log: createLogger({ level: 'silent', pretty: false }) });
    // Redis goes away on purpose: the harness's own connections just wait for it.
    services.queueConnection.on('error', () => {});
    for (const queue of Object.values(services.queues)) queue.on('error', () => {});
    cleanups.push(() => services.close());

    const processes = new LitwatchProcesses(envVars, runDir);
    cleanups.push(() => processes.stopAll());
    await processes.spawn('all');
    for (let i = 0; i < WORKER_PROCESSES; i++) await processes.spawn('worker');
    // A supervisor's part: a litwatch process that crashed is counted and started again.
    const supervisor = setInterval(() => void processes.restartCrashed().catch(() => {}), 1000);
    cleanups.push(() => clearInterval(supervisor));
    process.stdout.write(
      `fault suite: ${ROUNDS} rounds of ${WORKS} works and ${SUBSCRIBERS} subscribers; 1 litwatch start + ${WORKER_PROCESSES} workers; Redis on ${redis.port} (AOF); PostgreSQL database ${database.name} through a proxy on ${pgProxy.port}; logs in ${runDir}\n`,
    );

    const cycle = faultCycle(true).filter((f) => !args.only || faultName(f).toLowerCase().includes(args.only.toLowerCase()));
    if (cycle.length === 0) throw new Error(`--only ${args.only}: no fault has that in its name`);
    const results: RoundResult[] = [];
    const faults = { redis, pgProxy };
    let pmid = 40_000_000;
    let expectedWorks = 0;
    const history: string[][] = [];
    for (let round = 1; round <= ROUNDS && Date.now() - started < RUN_DEADLINE_MS; round++) {
      const fault = cycle[(round - 1) % cycle.length]!;
      const ids = Array.from({ length: WORKS }, () => String(++pmid));
      history.push(ids);
      const result = await runRound({
        round,
        fault,
        ids,
        recent: history.slice(-3).flat(),
        expectedWorks: expectedWorks + WORKS,
        services,
        fake,
        ncbi,
        smtp,
        processes,
        ...faults,
      });
      expectedWorks += WORKS;
      results.push(result);
      process.stdout.write(`${roundLine(result)}\n`);
    }
    printTable(results, (text) => process.stdout.write(text), Date.now() - started);
    // Why jobs ended failed (BullMQ keeps them): the first thing to read when the column is not 0.
    const reasons = new Map<string, number>();
    for (const line of (await failedJobs(services)).values()) {
      const reason = line.replace(/dg-[0-9a-f]+|sub_[0-9a-f]+|\d{4}-\d{2}-\d{2}/g, '…');
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    if (reasons.size > 0) process.stdout.write(`\nFailed jobs by reason:\n${[...reasons].map(([reason, n]) => `  ${n} × ${reason}`).join('\n')}\n`);
  } finally {
    await cleanup();
  }
}

interface RoundContext {
  round: number;
  fault: Fault;
  ids: string[];
  /** This round's ids and the two rounds' before. */
  recent: string[];
  expectedWorks: number;
  services: Services;
  fake: FakeNcbi;
  ncbi: NcbiFaultProxy;
  smtp: SmtpFaultServer;
  redis: PrivateRedis;
  pgProxy: TcpProxy;
  processes: LitwatchProcesses;
}

async function runRound(ctx: RoundContext): Promise<RoundResult> {
  const { round, fault, services, fake } = ctx;
  const today = new Date();
  const edat = `${today.getUTCFullYear()}/${String(today.getUTCMonth() + 1).padStart(2, '0')}/${String(today.getUTCDate()).padStart(2, '0')}`;
  const entrez = { year: today.getUTCFullYear(), month: today.getUTCMonth() + 1, day: today.getUTCDate() };
  fake.addRecords(ctx.ids.map((id) => ({ pmid: id, edat, xml: articleXml(rng, Number(id), entrez) })));
  // The query matches this round's works and the two rounds before (older ones left the search
  // window), so a poll that failed for good is made good by the next one, as with PubMed.
  fake.setQuery(QUERY, ctx.recent);
  const subscribers = [];
  for (let i = 1; i <= SUBSCRIBERS; i++) {
    subscribers.push(
      await services.subscribers.save({ email: `reader-r${round}-s${i}@faults.example`, watches: [WATCH], frequency: 'daily', timezone: 'UTC' }, 'admin'),
    );
  }
  const refusedIds = new Set<string>();
  if (fault.kind === 'smtp' && fault.fault === '550-one') {
    const victim = subscribers[Math.floor(rng.next() * subscribers.length)]!;
    ctx.smtp.refuse(victim.email);
    refusedIds.add(victim.id);
  }
  const failedBefore = (await queueState(services)).failed;
  const crashesBefore = ctx.processes.crashes;
  const result: RoundResult = {
    round,
    fault: faultName(fault),
    worksAdded: ctx.ids.length,
    worksExpected: ctx.expectedWorks,
    worksStored: 0,
    digestsExpected: 0,
    digestsSent: 0,
    duplicates: 0,
    stuck: 0,
    cardsPending: 0,
    refused: 0,
    failedJobs: 0,
    crashes: 0,
    recoverMs: 0,
    pollMs: 0,
    digestMs: 0,
    injected: false,
    duplicatesAllowed: fault.kind === 'smtp' && fault.fault === 'drop-after-data',
  };

  // Poll phase.
  let injectedAt: number | undefined;
  const inject = async () => {
    injectedAt = await injectFault(ctx, phaseOf(fault));
    result.injected = injectedAt !== undefined;
  };
  const pollStart = Date.now();
  const injecting = phaseOf(fault) === 'poll' ? inject() : Promise.resolve();
  await services.queues.poll.add(pollWatch.name, { watchId: WATCH }, { jobId: `poll-${WATCH}-round-${round}` });
  const pollDeadline = pollStart + PHASE_DEADLINE_MS;
  await until(
    async () =>
      (await services.works.count(WATCH)) >= ctx.expectedWorks &&
      (await services.queues.poll.getJobState(`poll-${WATCH}-round-${round}`)) === 'completed' &&
      (await queueState(services)).unfinished === 0,
    pollDeadline,
  );
  await injecting;
  const pollDone = Date.now();

  // Digest phase: every new subscriber's digest of today.
  const period = digestPeriod('daily', new Date(), 'UTC').key;
  const digestStart = Date.now();
  const injectingDigest = phaseOf(fault) === 'digest' ? inject() : Promise.resolve();
  await services.queues.digest.addBulk(
    subscribers.map((s) => ({ name: buildDigest.name, data: { subscriberId: s.id, period }, opts: { jobId: `build-${s.id}-${period}` } })),
  );
  const ids = subscribers.map((s) => s.id);
  await until(async () => {
    const tally = await tallyDigests(services, ids, period, refusedIds, ctx.smtp.received);
    return tally.delivered === tally.expected && tally.unsettled === 0 && (await queueState(services)).unfinished === 0;
  }, digestStart + PHASE_DEADLINE_MS);
  await injectingDigest;
  const digestDone = Date.now();
  // An armed NCBI or SMTP fault that no request met was not injected.
  if (fault.kind === 'ncbi' && !ctx.ncbi.applied.get(fault.fault)) result.injected = false;
  if (fault.kind === 'smtp' && !ctx.smtp.applied.get(fault.fault)) result.injected = false;
  ctx.ncbi.applied.clear();
  ctx.smtp.applied.clear();

  const tally = await tallyDigests(services, ids, period, refusedIds, ctx.smtp.received);
  const state = await queueState(services);
  result.worksStored = await services.works.count(WATCH);
  result.digestsExpected = tally.expected;
  result.digestsSent = tally.delivered;
  result.duplicates = tally.duplicates;
  result.refused = tally.refused;
  result.stuck = state.unfinished + tally.unsettled;
  result.cardsPending = (await services.enrichment.pending.counts()).pending;
  result.failedJobs = state.failed - failedBefore;
  result.crashes = ctx.processes.crashes - crashesBefore;
  result.pollMs = pollDone - pollStart;
  result.digestMs = digestDone - digestStart;
  const end = phaseOf(fault) === 'poll' ? pollDone : digestDone;
  result.recoverMs = injectedAt !== undefined ? Math.max(0, end - injectedAt) : 0;
  ctx.smtp.disarm();
  ctx.ncbi.disarm();
  return result;
}

/**
 * Waits for the moment and injects the fault: a worker is killed while a job of its kind runs
 * (found through `processedBy`), then a fresh one is started; an NCBI fault is armed to start
 * after a random few requests; the others land a random 0-1.5 s (poll) or 0-0.3 s (digest) into
 * their phase. Returns when it was injected (armed), or undefined when the moment never came.
 */
async function injectFault(ctx: RoundContext, phase: 'poll' | 'digest'): Promise<number | undefined> {
  const { fault, services, processes } = ctx;
  const deadline = Date.now() + 60_000;
  if (fault.kind === 'kill-worker') {
    const jobName = JOB_KINDS[fault.during];
    const queue = {
      poll: services.queues.poll,
      fetch: services.queues.fetch,
      enrich: services.queues.enrich,
      fulltext: services.queues.fulltext,
      build: services.queues.digest,
      send: services.queues.mail,
    }[fault.during];
    while (Date.now() < deadline) {
      const active = (await queue.getActive().catch(() => [])).filter((job) => job.name === jobName && job.processedBy);
      const job = active[Math.floor(rng.next() * active.length)];
      const pid = job?.processedBy ? Number(job.processedBy.split(':').pop()) : undefined;
      const proc = pid !== undefined ? processes.byPid(pid) : undefined;
      if (proc) {
        await processes.kill9(proc);
        const at = Date.now();
        await processes.spawn(proc.role);
        return at;
      }
      await sleep(10);
    }
    return undefined;
  }
  // An NCBI fault lands after a random few of the poll's requests (of its endpoint); waiting a
  // random time instead missed polls that a fast machine finished within it.
  if (fault.kind === 'ncbi') {
    ctx.ncbi.arm(fault.fault, Math.floor(rng.next() * NCBI_REQUESTS_BEFORE_FAULT));
    return Date.now();
  }
  // Others at a random moment early in the phase, so the fault lands while the phase still runs.
  await sleep(Math.floor(rng.next() * (phase === 'poll' ? 1500 : 300)));
  const at = Date.now();
  switch (fault.kind) {
    case 'redis-kill9':
      await ctx.redis.kill9();
      await sleep(1000);
      await ctx.redis.start();
      break;
    case 'smtp':
      if (fault.fault !== '550-one') ctx.smtp.arm(fault.fault);
      break;
    case 'postgres-cut':
      ctx.pgProxy.cut(POSTGRES_CUT_MS);
      break;
  }
  return at;
}

function roundLine(r: RoundResult): string {
  const dup =
    r.duplicates > 0 ? `, ${r.duplicates} duplicate${r.duplicates > 1 ? 's' : ''}${r.duplicatesAllowed ? ' (SMTP cannot tell)' : ' (NOT ALLOWED)'}` : '';
  const refused = r.refused > 0 ? `, ${r.refused} refused (550)` : '';
  const ok =
    r.crashes === 0 &&
    r.worksStored >= r.worksExpected &&
    r.digestsSent === r.digestsExpected &&
    r.stuck === 0 &&
    (r.duplicatesAllowed ? r.duplicates <= 1 : r.duplicates === 0);
  return `round ${String(r.round).padStart(2)} ${r.fault.padEnd(36)} works ${r.worksStored}/${r.worksExpected}, digests ${r.digestsSent}/${r.digestsExpected}${refused}${dup}, stuck ${r.stuck}, cards pending ${r.cardsPending}, failed jobs ${r.failedJobs}, ${r.crashes > 0 ? `${r.crashes} litwatch processes CRASHED, ` : ''}poll ${(r.pollMs / 1000).toFixed(1)} s, digests ${(r.digestMs / 1000).toFixed(1)} s, ${r.injected ? `recovered in ${(r.recoverMs / 1000).toFixed(1)} s` : 'fault NOT injected'} ${ok ? 'ok' : 'FAILED'}`;
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`fault suite failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
