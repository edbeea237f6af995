import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as buildDigest from '../../jobs/build-digest.ts';
import { messageId } from '../../jobs/send-digest.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { digestId, type Digest } from '../../src/store/digest-store.ts';
import type { Subscriber } from '../../src/store/subscriber-store.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { SmtpFaultServer } from '../helpers/smtp-fault-server.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { until } from '../helpers/until.ts';

const PUBLIC_URL = 'https://litwatch.test';
const TODAY = new Date('2026-11-27T08:00:00Z');
const PERIOD = '2026-11-27';
const DAY_MS = 24 * 3600_000;
/** Refusals in a row that mark an address bouncing here (the default is 3): the config is read. */
const BOUNCE_LIMIT = 2;

describe('SMTP servers that fail: try later, refuse a recipient, drop the connection after DATA', () => {
  const prefix = testPrefix('smtp-faults');
  let smtp: SmtpFaultServer;
  let services: Services;
  let workers: Worker[] = [];
  let readers = 0;
  let clock = TODAY;

  before(async () => {
    smtp = await new SmtpFaultServer().start();
    services = testServices({
      prefix,
      eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
      config: { ...testConfig([{ id: 'bone', name: 'Bone metastasis', query: 'a' }]), mail: { bounceLimit: BOUNCE_LIMIT } },
      now: () => clock,
      env: { SMTP_URL: smtp.url, LITWATCH_PUBLIC_URL: PUBLIC_URL },
    });
    await services.works.upsert(makeArticle({ pmid: '41000901', doi: '10.1000/smtp.1', title: 'Denosumab and skeletal events' }), 'bone', TODAY.getTime());
    workers = startWorkers(services, { queues: ['digest', 'mail'] });
  });

  after(async () => {
    await closeWorkers(workers);
    await services.close();
    await smtp.close();
    await deletePrefix(prefix);
  });

  async function reader(): Promise<Subscriber> {
    readers += 1;
    return services.subscribers.save({ email: `reader${readers}@example.org`, watches: ['bone'], frequency: 'daily' }, 'admin', TODAY.getTime());
  }

  /** Builds each reader's digest of `period` (the clock's day) and waits until each send is settled; undefined where nothing was built. */
  async function deliver(subscribers: Subscriber[], period = PERIOD): Promise<(Digest | undefined)[]> {
    const builds = await services.queues.digest.addBulk(
      subscribers.map((s) => ({ name: buildDigest.name, data: { subscriberId: s.id, period }, opts: { jobId: `build-${s.id}-${period}` } })),
    );
    await until(async () => (await Promise.all(builds.map((job) => job.getState()))).every((state) => state === 'completed' || state === 'failed'));
    const ids = subscribers.map((s) => digestId(s.id, period));
    const built = (await Promise.all(ids.map((id) => services.digests.get(id)))).filter((d) => d !== undefined).map((d) => d.id);
    await until(async () => {
      const jobs = await Promise.all(built.map((id) => services.queues.mail.getJob(`send-${id}`)));
      const states = await Promise.all(jobs.map((job) => job?.getState()));
      return states.every((state) => state === 'completed' || state === 'failed');
    });
    return Promise.all(ids.map((id) => services.digests.get(id)));
  }

  /** Moves the clock `days` after TODAY, where the watch finds one new work; returns that day's daily period. */
  async function day(days: number): Promise<string> {
    clock = new Date(TODAY.getTime() + days * DAY_MS);
    const pmid = String(41_001_000 + days);
    await services.works.upsert(makeArticle({ pmid, doi: `10.1000/smtp.day.${days}`, title: `Bone metastasis, day ${days}` }), 'bone', clock.getTime());
    return clock.toISOString().slice(0, 10);
  }

  function copiesOf(digest: Digest): number {
    return smtp.received.filter((m) => m.messageId === messageId(digest.id, PUBLIC_URL)).length;
  }

  for (const code of ['421', '451'] as const) {
    test(`a ${code} (try later) is retried and the digest arrives once`, async () => {
      smtp.arm(code, 1);
      const [digest] = await deliver([await reader()]);
      assert.equal(digest?.status, 'sent');
      assert.equal(digest?.attempts, 2);
      assert.equal(copiesOf(digest!), 1);
    });
  }

  test('a 550 for one recipient fails that digest at once, without retries, and the others still get theirs', async () => {
    const readers = [await reader(), await reader(), await reader()];
    smtp.refuse(readers[1]!.email);
    const [first, refused, third] = await deliver(readers);
    assert.deepEqual([first?.status, refused?.status, third?.status], ['sent', 'failed', 'sent']);
    assert.equal(refused?.attempts, 1, 'a permanent refusal is not retried');
    assert.match(refused?.lastError ?? '', /550/);
    assert.doesNotMatch(refused?.lastError ?? '', /example\.org/);
    assert.deepEqual([copiesOf(first!), copiesOf(refused!), copiesOf(third!)], [1, 0, 1]);
    const job = await services.queues.mail.getJob(`send-${refused!.id}`);
    assert.equal(job?.attemptsMade, 1);
  });

  test(`an address refused ${BOUNCE_LIMIT} times in a row (mail.bounceLimit) is marked bouncing and sent nothing more; the others still get theirs`, async () => {
    const [bouncer, other] = [await reader(), await reader()];
    smtp.refuse(bouncer.email);
    const statuses: string[] = [];
    for (let i = 1; i <= BOUNCE_LIMIT + 1; i++) {
      const [refused, delivered] = await deliver([bouncer, other], await day(i));
      statuses.push(`${refused?.status ?? 'not built'}/${(await services.subscribers.get(bouncer.id))?.status}`);
      assert.equal(delivered?.status, 'sent');
    }
    assert.deepEqual(statuses, ['failed/active', 'failed/bouncing', 'not built/bouncing']);
    assert.equal(smtp.received.filter((m) => m.to.includes(bouncer.email)).length, 0);
    assert.equal(smtp.received.filter((m) => m.to.includes(other.email)).length, BOUNCE_LIMIT + 1);
    smtp.disarm();
    clock = TODAY;
  });

  test('refusals count only in a row: an accepted message forgives the ones before', async () => {
    const flaky = await reader();
    smtp.refuse(flaky.email);
    await deliver([flaky], await day(10));
    smtp.disarm();
    assert.equal((await deliver([flaky], await day(11)))[0]?.status, 'sent');
    smtp.refuse(flaky.email);
    assert.equal((await deliver([flaky], await day(12)))[0]?.status, 'failed');
    smtp.disarm();
    assert.equal((await services.subscribers.get(flaky.id))?.status, 'active', 'one refusal since the last accepted message');
    clock = TODAY;
  });

  test('a bouncing subscriber made active again (preferences, or the admin adding it again) starts from no refusals', async () => {
    const returning = await reader();
    smtp.refuse(returning.email);
    for (let i = 20; i < 20 + BOUNCE_LIMIT; i++) await deliver([returning], await day(i));
    assert.equal((await services.subscribers.get(returning.id))?.status, 'bouncing');
    await services.subscribers.update(returning.id, { status: 'active' });
    assert.equal((await deliver([returning], await day(30)))[0]?.status, 'failed');
    smtp.disarm();
    assert.equal((await services.subscribers.get(returning.id))?.status, 'active', 'one refusal after coming back is not the limit');
    clock = TODAY;
  });

  test('a connection dropped after DATA, before the reply, is retried: the digest is sent, at most one duplicate', async () => {
    smtp.arm('drop-after-data');
    const [digest] = await deliver([await reader()]);
    assert.equal(digest?.status, 'sent');
    assert.equal(copiesOf(digest!), 2, 'the server had it, the client could not know: the one duplicate SMTP cannot prevent');
  });
});
