import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { openQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { cliEnv, configDir, spawnCli, watchesYaml, sharedSettings } from '../helpers/cli.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { deletePrefix, ncbiEnv, REDIS_URL, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS, until } from '../helpers/until.ts';

const QUERY = '"vertebral metastas*"[tiab]';
const prefix = testPrefix('shutdown');
let ncbi: FakeNcbi;
let services: Services;
let workers: Worker[] = [];

before(async () => {
  ncbi = await new FakeNcbi().start();
  ncbi.addRecords([
    {
      pmid: '41001101',
      edat: '2026/11/26',
      xml: pubmedArticleXml({ pmid: '41001101', doi: '10.1000/vert.1101', title: 'Vertebral metastases and kyphoplasty' }),
    },
  ]);
  ncbi.setQuery(QUERY, ['41001101']);
  services = testServices({ prefix, eutilsUrl: ncbi.url, config: testConfig([{ id: 'vertebral', query: QUERY }]) });
});

after(async () => {
  await closeWorkers(workers);
  await services.close();
  await ncbi.close();
  await deletePrefix(prefix);
});

test('SIGTERM lets a worker stop within its bound, and the job it held goes to the next worker', async () => {
  ncbi.holdEfetchesAfter(0);
  const env = cliEnv({
    ...sharedSettings(),
    REDIS_URL,
    LITWATCH_PREFIX: prefix,
    LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'vertebral', query: QUERY }])),
    LITWATCH_SHUTDOWN_MS: '500',
    LITWATCH_LOCK_MS: '1500',
    ...ncbiEnv(ncbi.url),
  });
  const worker = spawnCli(['start', '--role', 'worker'], env);
  const job = await services.queues.poll.add(pollWatch.name, { watchId: 'vertebral' }, { jobId: 'poll-vertebral-shutdown' });
  await until(() => ncbi.count('efetch.fcgi') === 1);

  const signalled = performance.now();
  worker.kill('SIGTERM');
  await once(worker, 'exit');
  const stoppedIn = performance.now() - signalled;
  assert.ok(stoppedIn < 3000, `stopped in ${Math.round(stoppedIn)} ms, bound 500 ms plus closing`);
  assert.match(worker.output.stderr, /"event":"litwatch.stopped","handedBack":true/);

  // The batch the stopped worker held is taken over once its lock expires, and the poll completes.
  ncbi.releaseHeld();
  workers = startWorkers(services, { lockDurationMs: 1500 });
  const events = await openQueueEvents(services, 'poll');
  try {
    const summary = (await job.waitUntilFinished(events.events, PATIENCE_MS)) as pollWatch.PollSummary;
    assert.equal(summary.created, 1);
  } finally {
    await events.close();
  }
  assert.ok(await services.works.get('10.1000/vert.1101'));
});
