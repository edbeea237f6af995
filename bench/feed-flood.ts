/**
 * The feed flood (issue 18 item 3): litwatch started as `npm start` does (role all: web and
 * workers in one process) on a watch of 100 long works, then 100 feed clients at once, each
 * from its own loopback address (all of 127/8 is local, so each is a client of its own under
 * the per-client limit), each a bounded loop of requests back to back: alternately a plain
 * fetch and a conditional one with the ETag it got, asking for gzip as feed readers do.
 * The clients run in a process of their own at the lowest CPU priority (nice 19: real clients
 * are elsewhere), another process asks /healthz in turn, and litwatch's RSS and CPU time are
 * read from /proc. Prints figures; asserts none
 * (but every feed request must be a 200 or a 304, or the figures would be of something else).
 *
 * `node --import tsx bench/feed-flood.ts` (BENCH_FEED_WORKS, BENCH_FEED_CLIENTS,
 * BENCH_FEED_REQUESTS; BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles litwatch).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnv } from '../src/config/env.ts';
import { createLogger } from '../src/log.ts';
import { redisAnswers } from '../src/redis/connect-redis.ts';
import { createServices } from '../src/services.ts';
import { longArticle, longEntities, longFullText } from '../test/fixtures/mail/long-works.ts';
import { freePort } from '../test/helpers/free-port.ts';
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

const WORKS = Number(process.env.BENCH_FEED_WORKS ?? 100);
const CLIENTS = Number(process.env.BENCH_FEED_CLIENTS ?? 100);
/** Per client: under the default limit of 60 a minute, so every answer is a feed or a 304. */
const REQUESTS = Number(process.env.BENCH_FEED_REQUESTS ?? 50);
const EUTILS = 'http://127.0.0.1:9/entrez/eutils';
const BIN = fileURLToPath(new URL('../bin/litwatch.js', import.meta.url));

export interface FeedFloodFigures {
  works: number;
  clients: number;
  requests: number;
  seconds: number;
  perSecond: number;
  medianMs: number;
  p95Ms: number;
  statuses: Record<string, number>;
  feedKb: number;
  gzipKb: number;
  firstBuildMs: number;
  builds: number;
  healthz: { idleMedianMs: number; count: number; medianMs: number; p95Ms: number; maxMs: number };
  /** litwatch's CPU time (user + system) during the flood, per request. */
  serverCpuMsPerRequest: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  runs: string;
}

export async function feedFlood(log: (line: string) => void): Promise<FeedFloodFigures | { skipped: string }> {
  if (!(await redisAnswers(REDIS_URL))) return { skipped: `no Redis answers at ${REDIS_URL}` };
  const prefix = `lwbench-feeds-${randomBytes(4).toString('hex')}`;
  createTestDatabase(testDatabaseName(prefix));
  const dir = mkdtempSync(path.join(tmpdir(), 'litwatch-feed-flood-'));
  let child: ChildProcess | undefined;
  try {
    log(`seeding ${WORKS} long works…`);
    await seed(prefix);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const started = await startLitwatch(prefix, dir, port);
    child = started.child;
    const timed = await timedGet(`${base}/feeds/bone.atom`, agentFor(1));
    const gzipped = await timedGet(`${base}/feeds/bone.atom`, agentFor(1), { 'accept-encoding': 'gzip' });
    if (timed.status !== 200) throw new Error(`the first feed request answered ${timed.status}`);
    log(`litwatch ${started.runs}, pid ${child.pid}; first request (the build) ${timed.ms.toFixed(0)} ms, ${(timed.bytes / 1024).toFixed(0)} KB`);
    const idle: number[] = [];
    for (let i = 0; i < 10; i++) idle.push((await timedGet(`${base}/healthz`, agentFor(0))).ms);
    log(`/healthz before the flood: median ${quantile(idle, 0.5).toFixed(1)} ms, max ${Math.max(...idle).toFixed(1)} ms`);
    const rssBefore = rssKb(child.pid!);
    const figures = await flood(base, child.pid!);
    const builds = started
      .stderr()
      .split('\n')
      .filter((line) => line.includes('"event":"feed.built"')).length;
    const result: FeedFloodFigures = {
      works: WORKS,
      clients: CLIENTS,
      requests: figures.latencies.length,
      seconds: figures.seconds,
      perSecond: figures.latencies.length / figures.seconds,
      medianMs: quantile(figures.latencies, 0.5),
      p95Ms: quantile(figures.latencies, 0.95),
      statuses: figures.statuses,
      feedKb: timed.bytes / 1024,
      gzipKb: gzipped.bytes / 1024,
      firstBuildMs: timed.ms,
      builds,
      healthz: {
        idleMedianMs: quantile(idle, 0.5),
        count: figures.healthz.length,
        medianMs: quantile(figures.healthz, 0.5),
        p95Ms: quantile(figures.healthz, 0.95),
        maxMs: Math.max(...figures.healthz),
      },
      serverCpuMsPerRequest: figures.serverCpuMs / figures.latencies.length,
      rssBeforeMb: rssBefore / 1024,
      rssPeakMb: figures.rssPeakKb / 1024,
      runs: started.runs,
    };
    log(floodLine(result));
    return result;
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    await deletePrefix(prefix);
    await deleteRateLimitKey(EUTILS);
  }
}

export function floodLine(f: FeedFloodFigures): string {
  const statuses = Object.entries(f.statuses)
    .map(([status, n]) => `${n} x ${status}`)
    .join(', ');
  return [
    `${f.clients} clients x ${REQUESTS} requests on a watch of ${f.works} works (Atom feed ${f.feedKb.toFixed(0)} KB, ${f.gzipKb.toFixed(0)} KB gzipped; clients ask for gzip as readers do): ${f.perSecond.toFixed(0)} requests/s, median ${f.medianMs.toFixed(1)} ms, p95 ${f.p95Ms.toFixed(1)} ms (${statuses}); litwatch used ${f.serverCpuMsPerRequest.toFixed(2)} ms of CPU per request; ${f.builds} build(s), the first answered in ${f.firstBuildMs.toFixed(0)} ms`,
    `/healthz during the flood: median ${f.healthz.medianMs.toFixed(1)} ms, p95 ${f.healthz.p95Ms.toFixed(1)} ms, max ${f.healthz.maxMs.toFixed(1)} ms (${f.healthz.count} asked; goal under 100 ms; ${f.healthz.idleMedianMs.toFixed(1)} ms before it); RSS ${f.rssBeforeMb.toFixed(0)} MB before, peak ${f.rssPeakMb.toFixed(0)} MB during (goal under 300 MB)`,
  ].join('\n  ');
}

async function seed(prefix: string): Promise<void> {
  const env = loadEnv({ LITWATCH_PREFIX: prefix, DATABASE_URL: testDatabaseUrl(prefix), LITWATCH_SECRET: TEST_SECRET, ...ncbiEnv(EUTILS) });
  const config = testConfig([{ id: 'bone', name: 'Bone metastasis', query: 'a' }]);
  const services = createServices({ env, config, redisUrl: REDIS_URL, log: createLogger({ level: 'silent', pretty: false }) });
  try {
    await services.ready();
    for (let i = 0; i < WORKS; i++) {
      const article = longArticle(i);
      const { key } = await services.works.upsert(article, 'bone', Date.now() - (WORKS - i) * 60_000);
      await services.enrichment.saveEntities(key, longEntities(i));
      if (article.pmcid) await services.enrichment.saveFullText(key, longFullText(i));
    }
  } finally {
    await services.close();
  }
}

/** `litwatch start` in a folder of its own (its var/ and config/), until it logs litwatch.ready. */
async function startLitwatch(prefix: string, dir: string, port: number): Promise<{ child: ChildProcess; stderr: () => string; runs: string }> {
  writeFileSync(path.join(dir, 'watches.yaml'), 'watches:\n  - id: bone\n    name: Bone metastasis\n    query: "bone metastasis"\n    schedule: "0 6 * * *"\n');
  const env = {
    PATH: process.env.PATH,
    HOME: dir,
    LITWATCH_PREFIX: prefix,
    DATABASE_URL: testDatabaseUrl(prefix),
    REDIS_URL,
    PORT: String(port),
    LITWATCH_PUBLIC_URL: `http://127.0.0.1:${port}`,
    LITWATCH_CONFIG: dir,
    LITWATCH_SECRET: TEST_SECRET,
    LITWATCH_OUTBOX: path.join(dir, 'outbox'),
    DASHBOARD_PASSWORD: 'bench-password-0123',
    LOG_LEVEL: 'info',
    ...ncbiEnv(EUTILS),
  };
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), BIN, 'start'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (stderr.includes('"event":"litwatch.ready"')) resolve();
    };
    child.stderr?.on('data', check);
    child.once('exit', (code) => reject(new Error(`litwatch start exited with ${code} before it was ready:\n${stderr.slice(-2000)}`)));
  });
  const runs = stderr.includes('running the TypeScript sources through tsx') ? 'from its sources (tsx: dist/ is older)' : 'from dist/';
  return { child, stderr: () => stderr, runs };
}

/** One keep-alive connection per client, from its own loopback address (all of 127/8 is local). */
function agentFor(client: number): { agent: http.Agent; localAddress: string } {
  return { agent: new http.Agent({ keepAlive: true, maxSockets: 1 }), localAddress: `127.0.${Math.floor((client + 1) / 250)}.${((client + 1) % 250) + 2}` };
}

interface Timed {
  status: number;
  ms: number;
  bytes: number;
  etag?: string;
}

function timedGet(url: string, client: { agent: http.Agent; localAddress: string }, headers: Record<string, string> = {}): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: client.agent, localAddress: client.localAddress, headers }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started, bytes, etag: response.headers.etag }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

async function flood(base: string, pid: number) {
  const healthz: number[] = [];
  let rssPeakKb = 0;
  const sampler = setInterval(() => (rssPeakKb = Math.max(rssPeakKb, rssKb(pid))), 25);
  // In a process of its own: in this one, its answers would wait behind the flood's.
  const probe = spawn(process.execPath, ['-e', PROBE, `${base}/healthz`], { stdio: ['pipe', 'pipe', 'inherit'] });
  let probeOut = '';
  probe.stdout?.setEncoding('utf8').on('data', (chunk: string) => (probeOut += chunk));
  await new Promise((resolve) => probe.stdout?.once('data', resolve));
  const cpuBefore = cpuMs(pid);
  // The clients in a process of their own at the lowest CPU priority: real ones run on other
  // machines, and here they would otherwise take the CPU litwatch is measured on.
  const clients = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--clients', base], { stdio: ['ignore', 'pipe', 'inherit'] });
  if (clients.pid) os.setPriority(clients.pid, 19);
  let clientsOut = '';
  clients.stdout?.setEncoding('utf8').on('data', (chunk: string) => (clientsOut += chunk));
  const code = await new Promise<number | null>((resolve) => clients.on('close', resolve));
  if (code !== 0) throw new Error(`the feed clients exited with ${code}`);
  const { latencies, statuses, seconds } = JSON.parse(clientsOut.trim().split('\n').pop()!) as {
    latencies: number[];
    statuses: Record<string, number>;
    seconds: number;
  };
  const serverCpuMs = cpuMs(pid) - cpuBefore;
  const probeExit = new Promise((resolve) => probe.once('exit', resolve));
  probe.stdin?.end();
  await probeExit;
  healthz.push(...(JSON.parse(probeOut.trim().split('\n').pop()!) as number[]));
  clearInterval(sampler);
  rssPeakKb = Math.max(rssPeakKb, rssKb(pid));
  return { latencies, statuses, healthz, seconds, rssPeakKb, serverCpuMs };
}

/** The feed clients (`--clients BASE`): each a bounded loop; prints latencies, statuses and seconds as JSON. */
async function runClients(base: string): Promise<void> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      const client = agentFor(c + 1);
      const format = c % 2 === 0 ? 'atom' : 'json';
      let etag: string | undefined;
      for (let i = 0; i < REQUESTS; i++) {
        // Half the requests are a reader's first fetch (the whole feed), half a revalidation.
        const answer = await timedGet(`${base}/feeds/bone.${format}`, client, {
          'accept-encoding': 'gzip',
          ...(i % 2 === 1 && etag ? { 'if-none-match': etag } : {}),
        });
        latencies.push(answer.ms);
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        if (answer.status !== 200 && answer.status !== 304) throw new Error(`a feed request answered ${answer.status}`);
        etag = answer.etag ?? etag;
      }
      client.agent.destroy();
    }),
  );
  process.stdout.write(`${JSON.stringify({ latencies, statuses, seconds: (performance.now() - started) / 1000 })}\n`);
}

/**
 * Asks /healthz in turn (20 ms apart) until its stdin closes, then prints the latencies (ms) as
 * JSON. Prints `ready` first, once it has had an answer.
 */
const PROBE = `
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const times = [];
let done = false;
process.stdin.on('end', () => (done = true)).resume();
const ask = () => new Promise((resolve, reject) => {
  const started = performance.now();
  http.get(process.argv[1], { agent }, (res) => { res.resume(); res.on('end', () => resolve(performance.now() - started)); }).on('error', reject);
});
(async () => {
  await ask();
  process.stdout.write('ready\\n');
  while (!done) { times.push(await ask()); await new Promise((r) => setTimeout(r, 20)); }
  agent.destroy();
  process.stdout.write(JSON.stringify(times) + '\\n');
})();
`;

/** CPU time the process used so far (user + system), from /proc/<pid>/stat in clock ticks (100 a second on Linux). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

if (process.argv[2] === '--clients') {
  await runClients(process.argv[3]!);
  process.exit(0);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await feedFlood((line) => console.log(line));
  if ('skipped' in figures) console.log(`skipped: ${figures.skipped}`);
  process.exit(0);
}
