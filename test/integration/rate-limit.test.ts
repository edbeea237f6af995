import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { SharedRateLimiter } from '../../src/ncbi/rate-limiter.ts';
import { openQueueEvents } from '../../src/queue/queue-events.ts';
import { cliEnv, configDir, spawnCli, watchesYaml, sharedSettings } from '../helpers/cli.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { deletePrefix, ncbiEnv, REDIS_URL, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS } from '../helpers/until.ts';

/** The most requests seen in any window of `windowMs` (times sorted ascending). */
function busiestWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('the NCBI rate limit is shared through Redis', () => {
  test('two limiters on two connections grant at most 3 per second between them', async () => {
    const key = `${testPrefix('limiter')}:rate`;
    const a = new Redis(REDIS_URL);
    const b = new Redis(REDIS_URL);
    try {
      const limiters = [new SharedRateLimiter(a, { limit: 3, key }), new SharedRateLimiter(b, { limit: 3, key })];
      const grants: number[] = [];
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const grant = await limiters[i % 2]!.acquire();
          grants.push(performance.now());
          // As if the answer began at once: the slot stays taken for one more second.
          await grant.release();
        }),
      );
      grants.sort((x, y) => x - y);
      assert.equal(busiestWindow(grants, 1000), 3);
      // Seen from here, after each grant's reply crossed the event loop (so with jitter), any 4
      // grants still span a second: a slot is released only after its grant was seen.
      for (let i = 3; i < grants.length; i++) assert.ok(grants[i]! - grants[i - 3]! >= 1000, `grants ${i - 3}..${i} span ${grants[i]! - grants[i - 3]!} ms`);
      // 10 grants at 3 per (1 s + margin): the last three wait three full windows.
      assert.ok(performance.now() - started >= 3000, 'ten grants cannot fit in under three seconds');
    } finally {
      await Promise.all([a.quit(), b.quit()]);
    }
  });
});

describe('two worker processes polling together', () => {
  const prefix = testPrefix('two-workers');
  const QUERY = '"bone metastas*"[tiab]';
  let ncbi: FakeNcbi;
  const workers: ReturnType<typeof spawnCli>[] = [];

  before(async () => {
    ncbi = await new FakeNcbi().start();
    const pmids = Array.from({ length: 2400 }, (_, i) => String(42_000_000 + i));
    ncbi.addRecords(
      pmids.map((pmid, i) => ({
        pmid,
        edat: `2026/11/${String(1 + (i % 26)).padStart(2, '0')}`,
        xml: pubmedArticleXml({ pmid, doi: `10.5555/bm.${pmid}`, title: `Bone metastasis cohort ${pmid}` }),
      })),
    );
    ncbi.setQuery(QUERY, pmids);
    const env = cliEnv({
      ...sharedSettings(),
      REDIS_URL,
      LITWATCH_PREFIX: prefix,
      ...ncbiEnv(ncbi.url),
      LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'bone', query: QUERY }])),
    });
    for (let i = 0; i < 2; i++) workers.push(spawnCli(['start', '--role', 'worker'], env));
    await Promise.all(workers.map((w) => waitForLog(w, 'litwatch.started')));
  });

  after(async () => {
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(workers.map((w) => (w.exitCode === null ? once(w, 'exit') : undefined)));
    await ncbi.close();
    await deletePrefix(prefix);
  });

  test('every batch is stored, both processes fetched, and no NCBI service saw more than 3 requests in a second', async () => {
    const services = testServices({ prefix, eutilsUrl: ncbi.url, config: testConfig([{ id: 'bone', query: QUERY }]) });
    const events = await openQueueEvents(services, 'poll');
    try {
      const job = await services.queues.poll.add(pollWatch.name, { watchId: 'bone' }, { jobId: 'poll-bone-two-workers' });
      const summary = (await job.waitUntilFinished(events.events, PATIENCE_MS)) as pollWatch.PollSummary;
      assert.equal(summary.created, 2400);
      assert.equal(await services.works.count('bone'), 2400);
    } finally {
      await events.close();
      await services.close();
    }
    assert.equal(ncbi.count('esearch.fcgi'), 1);
    assert.equal(ncbi.count('efetch.fcgi'), 12);
    // Each service counts its own requests (E-utilities, ID converter, PubTator3: 3/s each without a key).
    for (const service of ['eutils', 'idconv', 'pubtator'] as const) {
      const times = ncbi.requests
        .filter((r) => r.service === service)
        .map((r) => r.at)
        .sort((x, y) => x - y);
      assert.ok(busiestWindow(times, 1000) <= 3, `${service}: ${busiestWindow(times, 1000)} requests within one second`);
    }
    assert.equal(ncbi.rateLimitedCount(), 0, 'no 429 from any service');
    for (const worker of workers) {
      assert.match(worker.output.stderr, /"job":"fetch-batch".*"event":"job.completed"/, 'each process ran fetch jobs');
    }
  });
});

async function waitForLog(child: ReturnType<typeof spawnCli>, event: string): Promise<void> {
  // Generous: on a loaded machine two processes importing everything can take a while.
  const deadline = Date.now() + PATIENCE_MS;
  while (!child.output.stderr.includes(`"event":"${event}"`)) {
    if (child.exitCode !== null) throw new Error(`litwatch exited (${child.exitCode}): ${child.output.stderr}`);
    if (Date.now() > deadline) throw new Error(`no ${event} in: ${child.output.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
