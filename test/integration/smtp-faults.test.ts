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

describe('SMTP servers that fail: try later, refuse a recipient, drop the connection after DATA', () => {
  const prefix = testPrefix('smtp-faults');
  let smtp: SmtpFaultServer;
  let services: Services;
  let workers: Worker[] = [];
  let readers = 0;

  before(async () => {
    smtp = await new SmtpFaultServer().start();
    services = testServices({ prefix, eutilsUrl: 'http://127.0.0.1:9/entrez/eutils', config: testConfig([{ id: 'bone', name: 'Bone metastasis', query: 'a' }]), now: () => TODAY, env: { SMTP_URL: smtp.url, LITWATCH_PUBLIC_URL: PUBLIC_URL } });
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

  /** Builds each reader's digest and waits until its send is settled (sent, or failed for good). */
  async function deliver(subscribers: Subscriber[]): Promise<Digest[]> {
    await services.queues.digest.addBulk(subscribers.map((s) => ({ name: buildDigest.name, data: { subscriberId: s.id, period: PERIOD }, opts: { jobId: `build-${s.id}` } })));
    const ids = subscribers.map((s) => digestId(s.id, PERIOD));
    await until(async () => {
      const jobs = await Promise.all(ids.map((id) => services.queues.mail.getJob(`send-${id}`)));
      const states = await Promise.all(jobs.map((job) => job?.getState()));
      return states.every((state) => state === 'completed' || state === 'failed');
    });
    return Promise.all(ids.map(async (id) => (await services.digests.get(id))!));
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

  test('a connection dropped after DATA, before the reply, is retried: the digest is sent, at most one duplicate', async () => {
    smtp.arm('drop-after-data');
    const [digest] = await deliver([await reader()]);
    assert.equal(digest?.status, 'sent');
    assert.equal(copiesOf(digest!), 2, 'the server had it, the client could not know: the one duplicate SMTP cannot prevent');
  });
});
