import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { openQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { queryHash } from '../../src/store/cursor-store.ts';
import { cliEnv, configDir, spawnCli, watchesYaml, sharedSettings } from '../helpers/cli.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { deletePrefix, ncbiEnv, REDIS_URL, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS, until } from '../helpers/until.ts';

const QUERY = '"skeletal metastas*"[tiab]';

describe('a worker killed in the middle of a poll', () => {
  const prefix = testPrefix('crash');
  let ncbi: FakeNcbi;
  let services: Services;
  let workers: Worker[] = [];

  before(async () => {
    ncbi = await new FakeNcbi().start();
    const pmids = Array.from({ length: 600 }, (_, i) => String(43_000_000 + i));
    ncbi.addRecords(
      pmids.map((pmid) => ({
        pmid,
        edat: '2026/11/20',
        xml: pubmedArticleXml({ pmid, doi: `10.5555/sk.${pmid}`, title: `Skeletal metastases series ${pmid}` }),
      })),
    );
    ncbi.setQuery(QUERY, pmids);
    services = testServices({ prefix, eutilsUrl: ncbi.url, config: testConfig([{ id: 'skeletal', query: QUERY }]) });
  });

  after(async () => {
    await closeWorkers(workers);
    await services.close();
    await ncbi.close();
    await deletePrefix(prefix);
  });

  test('loses nothing: the cursor stays, a poll queued meanwhile is dropped, and another worker finishes the cut-off poll storing every work once', async () => {
    // A worker process fetches the first batch of three, then NCBI holds the others in flight.
    ncbi.holdEfetchesAfter(1);
    const env = cliEnv({
      ...sharedSettings(),
      REDIS_URL,
      LITWATCH_PREFIX: prefix,
      ...ncbiEnv(ncbi.url),
      LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'skeletal', query: QUERY }])),
      // Its jobs' locks expire soon after it dies, so another worker takes them without a long wait.
      LITWATCH_LOCK_MS: '2000',
    });
    const doomed = spawnCli(['start', '--role', 'worker'], env);
    await services.queues.poll.add(pollWatch.name, { watchId: 'skeletal' }, { jobId: 'poll-skeletal-doomed' });
    await until(async () => (await services.works.count()) === 200 && ncbi.count('efetch.fcgi') === 3);
    doomed.kill('SIGKILL');
    await once(doomed, 'exit');
    ncbi.releaseHeld();

    assert.equal(await services.cursors.get('skeletal', queryHash(QUERY)), undefined, 'the cursor did not move');
    assert.equal(await services.works.count(), 200);

    workers = startWorkers(services, { lockDurationMs: 2000 });
    const events = await openQueueEvents(services, 'poll');
    try {
      const before = ncbi.count('efetch.fcgi');
      // The cut-off poll is still the watch's poll (waiting for its batches): a second one is dropped, not run beside it.
      const next = await services.queues.poll.add(pollWatch.name, { watchId: 'skeletal' }, { jobId: 'poll-skeletal-next' });
      const dropped = (await next.waitUntilFinished(events.events, PATIENCE_MS)) as { skipped?: string };
      assert.equal(dropped.skipped, 'a poll of this watch is already running (job poll-skeletal-doomed); this one is dropped');
      // Another worker takes the two batches whose worker died (stalled jobs), and the poll finishes.
      const doomedJob = (await services.queues.poll.getJob('poll-skeletal-doomed'))!;
      const summary = (await doomedJob.waitUntilFinished(events.events, PATIENCE_MS)) as pollWatch.PollSummary;
      assert.equal(summary.window.min, '2026/10/28');
      assert.equal(summary.batches, 3);
      assert.equal(summary.created, 600);
      assert.equal(ncbi.count('efetch.fcgi') - before, 2, 'only the two unfinished batches are fetched again');
      assert.equal((await services.cursors.get('skeletal', queryHash(QUERY)))?.date, summary.window.max);
    } finally {
      await events.close();
    }
    assert.equal(await services.works.count(), 600);
  });
});
