import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as buildDigest from '../../jobs/build-digest.ts';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { queryHash } from '../../src/store/cursor-store.ts';
import { digestId } from '../../src/store/digest-store.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { deletePrefix, deleteRedisKeys, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS, until, untilQueueIdle } from '../helpers/until.ts';

const QUERY = '"bone metastas*"[tiab]';

describe('losing every Redis key of the installation', () => {
  const prefix = testPrefix('redis-loss');
  let ncbi: FakeNcbi;
  let smtp: SmtpSink;
  let services: Services;
  let workers: Worker[] = [];
  let polls: OpenQueueEvents;
  let builds: OpenQueueEvents;
  let today = new Date('2026-11-27T08:00:00Z');

  const record = (pmid: string, title: string, edat: string) => ({ pmid, edat, xml: pubmedArticleXml({ pmid, doi: `10.1000/loss.${pmid}`, title }) });

  async function startAll(): Promise<void> {
    workers = startWorkers(services);
    polls = await openQueueEvents(services, 'poll');
    builds = await openQueueEvents(services, 'digest');
  }

  async function stopAll(): Promise<void> {
    await closeWorkers(workers);
    await polls.close();
    await builds.close();
  }

  /** What a Redis lost (or flushed, or evicted) does: every key of the prefix gone, queues included. */
  async function loseRedis(): Promise<void> {
    await stopAll();
    assert.ok((await deleteRedisKeys(prefix)) > 0);
    await startAll();
  }

  async function poll(): Promise<pollWatch.PollSummary> {
    const job = await services.queues.poll.add(pollWatch.name, { watchId: 'bone' }, { jobId: `poll-${Date.now()}` });
    return (await job.waitUntilFinished(polls.events, PATIENCE_MS)) as pollWatch.PollSummary;
  }

  async function digest(subscriberId: string, period: string): Promise<buildDigest.BuildOutcome> {
    const job = await services.queues.digest.add(buildDigest.name, { subscriberId, period }, { jobId: `build-${period}-${Date.now()}` });
    return (await job.waitUntilFinished(builds.events, PATIENCE_MS)) as buildDigest.BuildOutcome;
  }

  before(async () => {
    ncbi = await new FakeNcbi().start();
    smtp = await new SmtpSink().start();
    ncbi.addRecords([
      record('41005001', 'Osteolytic lesions first', '2026/11/20'),
      record('41005002', 'Skeletal events second', '2026/11/21'),
      record('41005003', 'Spinal metastasis third', '2026/11/22'),
    ]);
    ncbi.setQuery(QUERY, ['41005001', '41005002', '41005003']);
    services = testServices({
      prefix,
      eutilsUrl: ncbi.url,
      config: testConfig([{ id: 'bone', name: 'Bone metastasis', query: QUERY }]),
      env: { SMTP_URL: smtp.url, LITWATCH_PUBLIC_URL: 'https://litwatch.test' },
      now: () => today,
    });
    await startAll();
  });

  after(async () => {
    await stopAll();
    await services.close();
    await smtp.close();
    await ncbi.close();
    await deletePrefix(prefix);
  });

  test('between polls and digest runs loses no work and no subscriber, and sends nothing twice', async () => {
    assert.equal((await poll()).created, 3);
    const reader = await services.subscribers.save(
      { email: 'lee@example.org', watches: ['bone'], frequency: 'daily', filters: { bone: { exclude: ['10090'] } } },
      'admin',
    );
    assert.equal((await digest(reader.id, '2026-11-27')).status, 'built');
    await until(() => smtp.messages.length === 1, PATIENCE_MS);
    assert.match(smtp.messages[0]?.subject ?? '', /3 new publications/);

    await loseRedis();
    assert.equal(await services.works.count(), 3, 'no work lost');
    assert.deepEqual(
      (await services.subscribers.list()).map((s) => [s.email, s.filters]),
      [['lee@example.org', { bone: { exclude: ['10090'] } }]],
      'no subscriber, no preference lost',
    );
    assert.equal((await services.cursors.get('bone', queryHash(QUERY)))?.date, '2026/11/27', 'the cursor stays: the next poll catches up from it');
    assert.equal((await services.digests.get(digestId(reader.id, '2026-11-27')))?.status, 'sent');

    // The next poll finds only what is new.
    ncbi.addRecords([record('41005004', 'Radium fourth', '2026/11/26'), record('41005005', 'Denosumab fifth', '2026/11/26')]);
    ncbi.setQuery(QUERY, ['41005001', '41005002', '41005003', '41005004', '41005005']);
    const second = await poll();
    assert.equal(second.created, 2);
    assert.equal(await services.works.count(), 5);

    await loseRedis();
    // The same period again is not sent again; the next one holds only the two new works.
    assert.equal((await digest(reader.id, '2026-11-27')).status, 'exists');
    today = new Date('2026-11-28T08:00:00Z');
    const next = await digest(reader.id, '2026-11-28');
    assert.equal(next.status, 'built');
    await until(() => smtp.messages.length === 2, PATIENCE_MS);
    await untilQueueIdle(services.queues.mail);
    assert.equal(smtp.messages.length, 2, 'nothing sent twice');
    const text = smtp.messages[1]?.text ?? '';
    assert.match(smtp.messages[1]?.subject ?? '', /2 new publications/);
    assert.match(text, /Radium fourth/);
    assert.match(text, /Denosumab fifth/);
    assert.doesNotMatch(text, /Osteolytic lesions first|Skeletal events second|Spinal metastasis third/);
  });
});
