/**
 * Requests per poll: one poll of a watch with 1,000 new records, through the real queues and
 * workers on the real Redis, against FakeNcbi (a local E-utilities stand-in that logs every
 * request). What it shows is the request budget: one esearch with the history server, then one
 * efetch per 200 records, all under the shared 3 requests/s limit, so no 429s. Most of the wall
 * time is that limit's waiting, which is intended.
 *
 * Services are built with production defaults (backoff, retries, concurrency) rather than the
 * tests' fast ones, so the figures are what a deployment would see; only the clock is pinned,
 * so the Entrez-date window is known.
 */
import { randomBytes } from 'node:crypto';
import * as pollWatch from '../jobs/poll-watch.ts';
import { loadEnv } from '../src/config/env.ts';
import { createLogger } from '../src/log.ts';
import { waitForEnrichment } from '../src/enrich/enrichment-progress.ts';
import { openQueueEvents } from '../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../src/queue/run-workers.ts';
import { redisAnswers } from '../src/redis/connect-redis.ts';
import { createServices } from '../src/services.ts';
import { FakeNcbi } from '../test/helpers/fake-ncbi.ts';
import { deletePrefix, deleteRateLimitKey, ncbiEnv, REDIS_URL, REFERENCE_DAY, testConfig } from '../test/helpers/test-services.ts';
import { articleXml } from './generate-efetch.ts';
import { createRng } from './prng.ts';

const WATCH = 'bench-bone';
const QUERY = '"Bone Neoplasms/secondary"[Mesh] OR "bone metastas*"[tiab]';
const RECORDS = 1_000;

export interface PollFigures {
  records: number;
  requests: Record<string, number>;
  /** Request arrival times, seconds after the first. */
  timeline: { endpoint: string; at: number }[];
  /** Most requests FakeNcbi saw in any 1-second window (NCBI allows 3). */
  busiestSecond: number;
  rateLimited: number;
  retries: number;
  seconds: number;
  worksStored: number;
  summary: pollWatch.PollSummary;
}

export async function pollRequests(log: (line: string) => void): Promise<PollFigures | { skipped: string }> {
  if (!(await redisAnswers(REDIS_URL))) {
    const skipped = `no Redis answers at ${REDIS_URL}`;
    log(`SKIPPED requests per poll: ${skipped}`);
    return { skipped };
  }
  const prefix = `lwbench-poll-${randomBytes(4).toString('hex')}`;
  const ncbi = await new FakeNcbi().start();
  seed(ncbi);
  // Every NCBI service (E-utilities, ID converter, PubTator3) is FakeNcbi; no offline vocabulary.
  const env = loadEnv({ LITWATCH_PREFIX: prefix, ...ncbiEnv(ncbi.url) });
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
    const job = await services.queues.poll.add(pollWatch.name, { watchId: WATCH }, { jobId: `poll-${WATCH}-bench` });
    const summary = (await job.waitUntilFinished(events.events, 120_000)) as pollWatch.PollSummary;
    // The poll no longer waits for enrichment: the figures cover it too, so wait for its jobs.
    await waitForEnrichment(services, summary.enrichment.jobs);
    const seconds = (performance.now() - started) / 1000;
    const worksStored = await services.works.count(WATCH);
    const figures = report(ncbi, { summary, seconds, worksStored, ...services.ncbi.stats });
    const { requests, rateLimited, timeline } = figures;
    log(`poll of ${RECORDS} new records: ${seconds.toFixed(2)} s, requests ${format(requests)}, 429s ${rateLimited}, works stored ${worksStored}`);
    log(`  request times (s): ${timeline.map((r) => `${r.endpoint.replace('.fcgi', '')} +${r.at.toFixed(2)}`).join(', ')}`);
    return figures;
  } finally {
    await closeWorkers(workers);
    await events.close();
    await services.close();
    await ncbi.close();
    await deletePrefix(prefix);
    await deleteRateLimitKey(ncbi.url);
  }
}

/** 1,000 records entered in November 2026: all inside the first poll's 30-day window. */
function seed(ncbi: FakeNcbi): void {
  const rng = createRng(41);
  const records = Array.from({ length: RECORDS }, (_, i) => {
    const pmid = 42_000_000 + i;
    const day = 1 + (i % 26);
    const edat = `2026/11/${String(day).padStart(2, '0')}`;
    return { pmid: String(pmid), edat, xml: articleXml(rng, pmid, { year: 2026, month: 11, day }) };
  });
  ncbi.addRecords(records);
  ncbi.setQuery(QUERY, records.map((r) => r.pmid));
}

type Outcome = Pick<PollFigures, 'summary' | 'seconds' | 'worksStored' | 'rateLimited' | 'retries'>;

function report(ncbi: FakeNcbi, outcome: Outcome): PollFigures {
  const requests: Record<string, number> = {};
  // efetch is named with its database: PubMed records (the poll) and PMC full texts (enrichment) differ.
  for (const r of ncbi.requests) {
    const name = r.endpoint === 'efetch.fcgi' ? `efetch db=${r.params.db ?? 'pubmed'}` : r.endpoint;
    requests[name] = (requests[name] ?? 0) + 1;
  }
  const first = ncbi.requests[0]?.at ?? 0;
  const times = ncbi.requests.map((r) => r.at);
  // Sliding 1-second window over arrival times: the figure NCBI's limit is about.
  const busiestSecond = Math.max(0, ...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
  return {
    records: RECORDS,
    requests,
    timeline: ncbi.requests.map((r) => ({ endpoint: r.endpoint, at: (r.at - first) / 1000 })),
    busiestSecond,
    rateLimited: outcome.rateLimited,
    retries: outcome.retries,
    seconds: outcome.seconds,
    worksStored: outcome.worksStored,
    summary: outcome.summary,
  };
}

export const format = (requests: Record<string, number>) =>
  Object.entries(requests).map(([endpoint, n]) => `${n} ${endpoint.replace('.fcgi', '')}`).join(' + ');

