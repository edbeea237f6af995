/**
 * Requests per poll: one poll of a watch finding 1,000 new PubMed records, through the real
 * queues and workers on the real Redis, against FakeNcbi (the local stand-in that enforces each
 * service's own limit and logs every request), run twice: without an API key and with one.
 * Every service is asked: 300 works are in PMC only through the ID converter (it knows their
 * PMCID, PMC has their JATS), and the generated records carry a PMCID of their own half the
 * time (PMC has no JATS for those: answered as absent). F is the works stored with a PMCID.
 *
 * Figures per service: requests against the budget the issue sets (1 esearch + ceil(N/200)
 * efetch, ceil(N/200) ID converter, ceil(N/100) PubTator3, ceil(F/20) PMC full texts), the
 * busiest 1-second window against the service's rate, and the wall time against what the rates
 * allow: the slowest service's requests at its rate.
 *
 * Services are built with production defaults (backoff, retries, concurrency) rather than the
 * tests' fast ones; only the clock is pinned, so the Entrez-date window is known. The stand-in
 * runs in its own process (bench/poll-stand-in.ts): its CPU time is NCBI's, not litwatch's.
 * BENCH_POLL_KEY=with|without runs one of the two polls; BENCH_POLL_TIMELINE=1 prints the
 * requests per half second.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import * as pollWatch from '../jobs/poll-watch.ts';
import { loadEnv } from '../src/config/env.ts';
import { createLogger } from '../src/log.ts';
import { waitForEnrichment } from '../src/enrich/enrichment-progress.ts';
import { rateLimitKeys } from '../src/ncbi/create-ncbi-http.ts';
import { serviceRequestsPerSecond, NCBI_SERVICES, type NcbiService } from '../src/ncbi/service-limits.ts';
import { openQueueEvents } from '../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../src/queue/run-workers.ts';
import { redisAnswers } from '../src/redis/connect-redis.ts';
import { createServices } from '../src/services.ts';
import type { LoggedRequest } from '../test/helpers/fake-ncbi.ts';
import {
  createTestDatabase,
  deletePrefix,
  ncbiEnv,
  REDIS_URL,
  REFERENCE_DAY,
  testConfig,
  testDatabaseName,
  testDatabaseUrl,
} from '../test/helpers/test-services.ts';

const WATCH = 'bench-bone';
const QUERY = '"Bone Neoplasms/secondary"[Mesh] OR "bone metastas*"[tiab]';
const RECORDS = 1_000;

export interface ServiceFigures {
  requests: number;
  /** What the budget allows for this poll. */
  budget: number;
  busiestSecond: number;
  rate: number;
  rateLimited: number;
}

export interface PollRun {
  apiKey: boolean;
  requests: Record<string, number>;
  services: Record<NcbiService, ServiceFigures>;
  seconds: number;
  /** CPU time of the litwatch process (workers, parsing, storing) during the poll: when it nears the wall time, the process is the bound, not the limits. */
  cpuSeconds: number;
  /** The slowest service's budgeted requests at its documented rate. */
  boundSeconds: number;
  /** The slowest service's requests actually made, at its documented rate. */
  madeBoundSeconds: number;
  /** Works stored with a PMCID (from their record or the ID converter). */
  withPmcid: number;
  retries: number;
  worksStored: number;
  summary: pollWatch.PollSummary;
}

export interface PollFigures {
  records: number;
  runs: PollRun[];
}

export async function pollRequests(log: (line: string) => void): Promise<PollFigures | { skipped: string }> {
  if (!(await redisAnswers(REDIS_URL))) {
    const skipped = `no Redis answers at ${REDIS_URL}`;
    log(`SKIPPED requests per poll: ${skipped}`);
    return { skipped };
  }
  const runs: PollRun[] = [];
  // BENCH_POLL_KEY=with or =without runs one of the two polls.
  const which = process.env.BENCH_POLL_KEY;
  for (const apiKey of [false, true].filter((k) => !which || (which === 'with') === k)) {
    const run = await onePoll(apiKey);
    runs.push(run);
    log(
      `${apiKey ? 'with' : 'without'} an API key: ${run.seconds.toFixed(2)} s (litwatch CPU ${run.cpuSeconds.toFixed(2)} s); the rates allow ${run.boundSeconds.toFixed(2)} s for the budget (${(run.seconds / run.boundSeconds).toFixed(2)}x), ${run.madeBoundSeconds.toFixed(2)} s for the requests made (${(run.seconds / run.madeBoundSeconds).toFixed(2)}x); F = ${run.withPmcid}; requests ${format(run.requests)}`,
    );
    for (const service of NCBI_SERVICES) {
      const s = run.services[service];
      log(`  ${service.padEnd(8)} ${s.requests} requests (budget ${s.budget}), busiest second ${s.busiestSecond} of ${s.rate} allowed, 429s ${s.rateLimited}`);
    }
  }
  return { records: RECORDS, runs };
}

async function onePoll(withKey: boolean): Promise<PollRun> {
  const prefix = `lwbench-poll-${randomBytes(4).toString('hex')}`;
  // The stand-in runs in a process of its own: building and sending its replies is NCBI's work,
  // done on NCBI's machines, and must not take litwatch's CPU time in the figures.
  const ncbi = await startStandIn();
  // A fresh key per run: its limiter keys are this run's alone.
  const apiKey = withKey ? randomBytes(18).toString('hex') : undefined;
  // A database of the bench's own on the local PostgreSQL (deletePrefix drops it).
  createTestDatabase(testDatabaseName(prefix));
  const env = loadEnv({ LITWATCH_PREFIX: prefix, DATABASE_URL: testDatabaseUrl(prefix), ...ncbiEnv(ncbi.url), ...(apiKey ? { NCBI_API_KEY: apiKey } : {}) });
  const services = createServices({
    env,
    config: testConfig([{ id: WATCH, query: QUERY }]),
    redisUrl: REDIS_URL,
    log: createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'silent', pretty: false }),
    now: () => REFERENCE_DAY,
  });
  const workers = startWorkers(services);
  const events = await openQueueEvents(services, 'poll');
  try {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const job = await services.queues.poll.add(pollWatch.name, { watchId: WATCH }, { jobId: `poll-${WATCH}-bench` });
    const summary = (await job.waitUntilFinished(events.events, 300_000)) as pollWatch.PollSummary;
    // The poll no longer waits for enrichment: the figures cover it too, so wait for its jobs.
    await waitForEnrichment(services, summary.enrichment.jobs, undefined, 50);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const worksStored = await services.works.count(WATCH);
    const stored = await services.works.getMany((await services.works.list({ watchId: WATCH, limit: RECORDS * 2 })).map((w) => w.key));
    const withPmcid = stored.filter((w) => w.article.pmcid).length;
    return report(await ncbi.requests(), apiKey, { summary, seconds, cpuSeconds, worksStored, withPmcid, retries: services.ncbi.stats.retries });
  } finally {
    await closeWorkers(workers);
    await events.close();
    await services.close();
    await ncbi.close();
    await deletePrefix(prefix);
    const redis = new Redis(REDIS_URL);
    await redis.del(...rateLimitKeys(env)).finally(() => redis.quit());
  }
}

type Outcome = Pick<PollRun, 'summary' | 'seconds' | 'cpuSeconds' | 'worksStored' | 'retries' | 'withPmcid'>;

function report(logged: LoggedRequest[], apiKey: string | undefined, outcome: Outcome): PollRun {
  if (process.env.BENCH_POLL_TIMELINE) console.log(timeline(logged));
  const requests: Record<string, number> = {};
  // efetch is named with its database: PubMed records (the poll) and PMC full texts (enrichment) differ.
  for (const r of logged) {
    const name = r.endpoint === 'efetch.fcgi' ? `efetch db=${r.params.db ?? 'pubmed'}` : r.endpoint;
    requests[name] = (requests[name] ?? 0) + 1;
  }
  const budget: Record<NcbiService, number> = {
    eutils: 1 + Math.ceil(RECORDS / 200) + Math.ceil(outcome.withPmcid / 20),
    idconv: Math.ceil(RECORDS / 200),
    pubtator: Math.ceil(RECORDS / 100),
  };
  const services = Object.fromEntries(
    NCBI_SERVICES.map((service) => {
      const mine = logged.filter((r) => r.service === service);
      const figures: ServiceFigures = {
        requests: mine.length,
        budget: budget[service],
        busiestSecond: busiestSecond(mine),
        rate: serviceRequestsPerSecond(service, apiKey),
        rateLimited: mine.filter((r) => r.rateLimited).length,
      };
      return [service, figures];
    }),
  ) as Record<NcbiService, ServiceFigures>;
  const boundSeconds = Math.max(...NCBI_SERVICES.map((s) => services[s].budget / services[s].rate));
  const madeBoundSeconds = Math.max(...NCBI_SERVICES.map((s) => services[s].requests / services[s].rate));
  return { apiKey: apiKey !== undefined, requests, services, boundSeconds, madeBoundSeconds, ...outcome };
}

/** The stand-in's process (bench/poll-stand-in.ts): its URL, its request log, and a way to stop it. */
async function startStandIn(): Promise<{ url: string; requests(): Promise<LoggedRequest[]>; close(): Promise<void> }> {
  const child = fork(fileURLToPath(new URL('./poll-stand-in.ts', import.meta.url)), [String(RECORDS), QUERY], { execArgv: ['--import', 'tsx'] });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      child.once('message', (message) => resolve(message as T));
      child.once('exit', (code) => reject(new Error(`the NCBI stand-in exited (${code})`)));
    });
  const { url } = await next<{ url: string }>();
  return {
    url,
    requests: async () => {
      const reply = next<{ requests: LoggedRequest[] }>();
      child.send('requests');
      return (await reply).requests;
    },
    close: async () => {
      child.kill();
      await once(child, 'exit');
    },
  };
}

/**
 * BENCH_POLL_TIMELINE=1: requests per endpoint in each half second after the first, to see
 * which stage leaves a service's limit unused.
 */
function timeline(requests: LoggedRequest[]): string {
  const start = Math.min(...requests.map((r) => r.at));
  const rows = new Map<number, Record<string, number>>();
  for (const r of requests) {
    const slot = Math.floor((r.at - start) / 500);
    const name = r.endpoint === 'efetch.fcgi' ? `efetch-${r.params.db ?? 'pubmed'}` : r.endpoint.replace('.fcgi', '');
    const row = rows.get(slot) ?? {};
    row[name] = (row[name] ?? 0) + 1;
    rows.set(slot, row);
  }
  const last = Math.max(...rows.keys());
  return Array.from({ length: last + 1 }, (_, slot) => `  ${(slot / 2).toFixed(1).padStart(5)} s  ${format(rows.get(slot) ?? {})}`).join('\n');
}

/** Sliding 1-second window over arrival times: the figure each service's limit is about. */
function busiestSecond(requests: LoggedRequest[]): number {
  const times = requests.map((r) => r.at).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

export const format = (requests: Record<string, number>) =>
  Object.entries(requests)
    .map(([endpoint, n]) => `${n} ${endpoint.replace('.fcgi', '')}`)
    .join(' + ');

/** The summary block's lines for `npm run bench`. */
export function pollSummary(poll: PollFigures | { skipped: string }): string[] {
  const title = "Requests per poll: one poll through BullMQ workers on the real Redis, FakeNcbi enforcing each service's limit";
  if ('skipped' in poll) return [title, `  skipped: ${poll.skipped}`];
  const lines = [
    title,
    `  N = ${poll.records} new PubMed records, F with a PMCID; budget per service: E-utilities 1 esearch + ceil(N/200) efetch + ceil(F/20) PMC full texts, ID converter ceil(N/200), PubTator3 ceil(N/100)`,
  ];
  for (const run of poll.runs) {
    const stored = run.worksStored === poll.records ? '' : ` (UNEXPECTED: ${poll.records} expected)`;
    lines.push(
      `  ${run.apiKey ? 'with' : 'without'} API key: wall ${run.seconds.toFixed(2)} s (litwatch CPU ${run.cpuSeconds.toFixed(2)} s); rates allow ${run.boundSeconds.toFixed(2)} s for the budget (${(run.seconds / run.boundSeconds).toFixed(2)}x), ${run.madeBoundSeconds.toFixed(2)} s for the requests made (${(run.seconds / run.madeBoundSeconds).toFixed(2)}x); F = ${run.withPmcid}; works stored ${run.worksStored}${stored}; retries ${run.retries}`,
    );
    for (const service of NCBI_SERVICES) {
      const s = run.services[service];
      const within = s.requests <= s.budget ? 'within budget' : 'OVER BUDGET';
      lines.push(
        `    ${service.padEnd(8)} ${String(s.requests).padStart(3)} requests / budget ${String(s.budget).padStart(3)} (${within}); busiest second ${s.busiestSecond}/${s.rate}; 429s ${s.rateLimited}`,
      );
    }
    lines.push(`    ${format(run.requests)}`);
  }
  return lines;
}
