import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Job, Worker } from 'bullmq';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { cliEnv, configDir, runCli, watchesYaml } from '../helpers/cli.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { freePort } from '../helpers/free-port.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { captureLogs, deletePrefix, deleteRateLimitKey, ncbiEnv, REDIS_URL, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { until } from '../helpers/until.ts';

const QUERY = '"skeletal-related events"[tiab]';
const USER = 'admin';
const PASSWORD = 'poll-failures-password';
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

/** A stand-in holding two works the watch finds. */
function standIn(): FakeNcbi {
  const ncbi = new FakeNcbi();
  ncbi.addRecords([
    { pmid: '41000701', edat: '2026/11/25', xml: pubmedArticleXml({ pmid: '41000701', title: 'Skeletal-related events under denosumab' }) },
    { pmid: '41000702', edat: '2026/11/24', xml: pubmedArticleXml({ pmid: '41000702', title: 'Skeletal-related events in myeloma' }) },
  ]);
  ncbi.setQuery(QUERY, ['41000701', '41000702']);
  return ncbi;
}

interface Check {
  event: string;
  subject?: string;
  detail: string;
}

/** Resolves when the worker has failed one try of this job (BullMQ emits `failed` for every try, retried or not). */
function failedTry(worker: Worker, jobId: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (job: Job | undefined) => {
      if (job?.id !== jobId) return;
      worker.off('failed', listener);
      resolve();
    };
    worker.on('failed', listener);
  });
}

describe('a poll that cannot reach NCBI says so at once, in words, and clears when a poll succeeds', () => {
  const prefix = testPrefix('poll-failures');
  let port = 0;
  let eutils = '';
  let ncbi: FakeNcbi | undefined;
  let services: Services;
  let workers: Worker[];
  let events: OpenQueueEvents;
  let server: Server;
  let base = '';

  async function healthz(): Promise<{ status: string; checks: Check[] }> {
    return (await fetch(`${base}/healthz`)).json() as Promise<{ status: string; checks: Check[] }>;
  }

  async function lastPoll(): Promise<string> {
    const body = await (await fetch(`${base}/admin`, { headers: { authorization: AUTH } })).text();
    const start = body.indexOf('class="watch-last-poll"');
    return body.slice(start, body.indexOf('</dd>', start));
  }

  before(async () => {
    port = await freePort();
    eutils = `http://127.0.0.1:${port}/entrez/eutils`;
    services = testServices({
      prefix,
      eutilsUrl: eutils,
      config: testConfig([{ id: 'sre', name: 'Skeletal-related events', query: QUERY }]),
      env: { DASHBOARD_USER: USER, DASHBOARD_PASSWORD: PASSWORD },
    });
    workers = startWorkers(services, { queues: ['poll', 'fetch'] });
    events = await openQueueEvents(services, 'poll');
    server = await listen(createWebServer(services), 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await closeWorkers(workers);
    await events.close();
    server.closeAllConnections();
    server.close();
    await ncbi?.close();
    await services.close();
    await deleteRateLimitKey(eutils);
    await deletePrefix(prefix);
  });

  test('the first failed try shows on /healthz and /admin with the cause and what to check', async () => {
    const pollWorker = workers[0]!;
    const failed = failedTry(pollWorker, 'poll-sre-first');
    // Three tries, the next an hour away: the watch is seen between its first and second try.
    await services.queues.poll.add(pollWatch.name, { watchId: 'sre' }, { jobId: 'poll-sre-first', attempts: 3, backoff: { type: 'fixed', delay: 3_600_000 } });
    await failed;
    const words = `cannot reach NCBI at http://127.0.0.1:${port}/entrez/eutils/esearch.fcgi (ECONNREFUSED): check the network or NCBI_EUTILS_URL`;
    const health = await healthz();
    assert.equal(health.status, 'degraded');
    const watch = health.checks.find((c) => c.event === 'watch.poll_failing' && c.subject === 'sre');
    assert.equal(watch?.detail, `last poll failed: ${words} (try 1 of 3; trying again)`);
    const streak = health.checks.find((c) => c.event === 'ncbi.error_streak');
    assert.ok(streak?.detail.endsWith(`the last: ${words}`), streak?.detail);
    assert.doesNotMatch(JSON.stringify(health), /429, 5xx or timeouts/);
    const shown = await lastPoll();
    assert.match(shown, /data-state="failed">failed<\/span>/);
    assert.ok(shown.includes(words), shown);
    assert.equal(await services.queues.poll.getJobState('poll-sre-first'), 'delayed');
  });

  test('a second poll of the watch, while the first waits to try again, is dropped and says why', async () => {
    const job = await services.queues.poll.add(pollWatch.name, { watchId: 'sre' }, { jobId: 'poll-sre-second' });
    const result = (await job.waitUntilFinished(events.events)) as { skipped?: string };
    assert.equal(result.skipped, 'a poll of this watch is already running (job poll-sre-first); this one is dropped');
  });

  test('once NCBI answers, the retried poll succeeds and every flag it raised clears', async () => {
    ncbi = await standIn().start(port);
    const first = (await services.queues.poll.getJob('poll-sre-first'))!;
    await first.promote();
    const summary = (await first.waitUntilFinished(events.events)) as pollWatch.PollSummary;
    assert.equal(summary.created, 2);
    const health = await healthz();
    assert.deepEqual(health.checks, []);
    assert.equal(health.status, 'ok');
    assert.match(await lastPoll(), /data-state="ok">ok</);
  });

  test('a poll that failed for good stops holding /healthz degraded once a later poll of its watch succeeds', async () => {
    await ncbi!.close();
    const failing = await services.queues.poll.add(pollWatch.name, { watchId: 'sre' }, { jobId: 'poll-sre-fails', attempts: 1 });
    await assert.rejects(failing.waitUntilFinished(events.events), /cannot reach NCBI at .*: check the network or NCBI_EUTILS_URL/);
    const down = await healthz();
    assert.ok(down.checks.some((c) => c.event === 'queue.failing' && c.subject === 'poll'));
    assert.ok(down.checks.some((c) => c.event === 'watch.poll_failing' && c.subject === 'sre'));
    ncbi = await standIn().start(port);
    const next = await services.queues.poll.add(pollWatch.name, { watchId: 'sre' }, { jobId: 'poll-sre-after' });
    await next.waitUntilFinished(events.events);
    const up = await healthz();
    assert.deepEqual(
      up.checks.map((c) => c.event),
      [],
    );
    // The failed job is still there for whoever looks (bull-board, /admin's queue table).
    assert.equal(await services.queues.poll.getJobState('poll-sre-fails'), 'failed');
  });
});

describe('a watch never has two polls at once', () => {
  const prefix = testPrefix('poll-once');
  const logs = captureLogs();
  let ncbi: FakeNcbi;
  let services: Services;
  let workers: Worker[];
  let events: OpenQueueEvents;

  before(async () => {
    ncbi = await standIn().start();
    services = testServices({ prefix, eutilsUrl: ncbi.url, config: testConfig([{ id: 'sre', query: QUERY }]), log: logs.log });
    workers = startWorkers(services, { queues: ['poll', 'fetch'] });
    events = await openQueueEvents(services, 'poll');
  });

  after(async () => {
    await closeWorkers(workers);
    await events.close();
    await ncbi.close();
    await services.close();
    await deleteRateLimitKey(ncbi.url);
    await deletePrefix(prefix);
  });

  const started = () => logs.lines.filter((l) => l.event === 'poll.started').map((l) => l.jobId);

  test('polls queued while one runs, by the queue or by `poll --now`, are dropped and say so; the next one after it runs', async () => {
    // The first poll's fetch is held at the stand-in: the poll is running (waiting for its children).
    ncbi.holdEfetchesAfter(0);
    const first = await services.queues.poll.add(pollWatch.name, { watchId: 'sre' }, { jobId: 'poll-sre-a' });
    await until(() => ncbi.count('efetch.fcgi') > 0);
    const second = await services.queues.poll.add(pollWatch.name, { watchId: 'sre' }, { jobId: 'poll-sre-b' });
    const skipped = (await second.waitUntilFinished(events.events)) as { skipped?: string };
    assert.equal(skipped.skipped, 'a poll of this watch is already running (job poll-sre-a); this one is dropped');
    const cli = await runCli(
      ['poll', 'sre', '--now'],
      cliEnv({ REDIS_URL, LITWATCH_PREFIX: prefix, ...ncbiEnv(ncbi.url), LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'sre', query: QUERY }])) }),
    );
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^sre: skipped \(a poll of this watch is already running \(job poll-sre-a\); this one is dropped\)$/m);
    // Only the first poll searched; the dropped ones are logged as such.
    assert.deepEqual(started(), ['poll-sre-a']);
    assert.equal(ncbi.count('esearch.fcgi'), 1);
    assert.ok(logs.lines.some((l) => l.event === 'poll.skipped' && l.jobId === 'poll-sre-b' && l.runningJobId === 'poll-sre-a'));
    ncbi.releaseHeld();
    await first.waitUntilFinished(events.events);
    const third = await services.queues.poll.add(pollWatch.name, { watchId: 'sre' }, { jobId: 'poll-sre-c' });
    const summary = (await third.waitUntilFinished(events.events)) as pollWatch.PollSummary;
    assert.equal(summary.watchId, 'sre');
    assert.deepEqual(started(), ['poll-sre-a', 'poll-sre-c']);
  });
});
