import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as checkNotices from '../../jobs/check-notices.ts';
import { loadCardInput } from '../../src/card/load-card-input.ts';
import { renderCard } from '../../src/card/render-card.ts';
import { DigestRun } from '../../src/digest/compose-digest.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import type { Subscriber } from '../../src/store/subscriber-store.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS } from '../helpers/until.ts';

const TODAY = new Date('2026-11-27T08:00:00Z');
const prefix = testPrefix('notices');
let ncbi: FakeNcbi;
let services: Services;
let workers: Worker[];
let events: OpenQueueEvents;
let reader: Subscriber;
let newcomer: Subscriber;

before(async () => {
  ncbi = await new FakeNcbi().start();
  services = testServices({ prefix, eutilsUrl: ncbi.url, config: testConfig([{ id: 'bone', name: 'Bone metastasis', query: 'a' }]), now: () => TODAY });
  // A stored work one reader already received; another reader subscribed after.
  const work = await services.works.upsert(makeArticle({ pmid: '41000901', doi: '10.1000/retracted.901', title: 'Fabricated bone metastasis data' }), 'bone');
  reader = await services.subscribers.save({ email: 'hal@example.org', watches: ['bone'], frequency: 'daily' }, 'admin', TODAY.getTime());
  newcomer = await services.subscribers.save({ email: 'ivy@example.org', watches: ['bone'], frequency: 'daily' }, 'admin', TODAY.getTime());
  await services.subscribers.recordSent(reader.id, [work.key]);
  // PubMed's retraction notice for it, entered yesterday.
  ncbi.addRecords([
    {
      pmid: '41000999',
      edat: '2026/11/26',
      xml: pubmedArticleXml({
        pmid: '41000999',
        title: 'Retraction Note: Fabricated bone metastasis data',
        publicationType: 'Retraction of Publication',
        day: 26,
        comments: [{ refType: 'RetractionOf', pmid: '41000901' }],
      }),
    },
  ]);
  ncbi.setQuery(checkNotices.NOTICE_QUERY, ['41000999']);
  workers = startWorkers(services, { queues: ['poll'] });
  events = await openQueueEvents(services, 'poll');
});

after(async () => {
  await closeWorkers(workers);
  await events.close();
  await services.close();
  await ncbi.close();
  await deletePrefix(prefix);
});

async function runCheck(id: string): Promise<{ notices: number; recorded: number; owed: number }> {
  const job = await services.queues.poll.add(checkNotices.name, {}, { jobId: id });
  return (await job.waitUntilFinished(events.events, PATIENCE_MS)) as { notices: number; recorded: number; owed: number };
}

test('a retraction of a stored work gives its card a Notice line, and is owed to the reader who received it', async () => {
  assert.deepEqual(await runCheck('notices-1'), { notices: 1, recorded: 1, owed: 1 });
  const work = (await services.works.get('10.1000/retracted.901'))!;
  const card = renderCard(await loadCardInput(work, services.enrichment, services.config(), services.notices));
  assert.match(card, /^Notice: retracted \(2026-11-26, https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/41000999\/\)$/m);
  assert.equal((await services.notices.owed(reader.id)).length, 1);
  assert.equal((await services.notices.owed(newcomer.id)).length, 0, 'a reader who never got the work is not told');
});

test('the notice goes out in the next digest once, and a second check records nothing again', async () => {
  const run = new DigestRun(services, TODAY);
  const digest = await run.compose((await services.subscribers.get(reader.id))!);
  assert.match(digest.email?.subject ?? '', /1 notice/);
  assert.match(digest.email?.text ?? '', /Notices about works you received[\s\S]*Fabricated bone metastasis data[\s\S]*retracted \(2026-11-26/);
  await services.digests.create({
    id: digest.id,
    subscriberId: reader.id,
    period: digest.period.key,
    subject: '',
    html: '',
    text: '',
    workKeys: digest.assembled.workKeys,
    notices: digest.notices,
    createdAt: Date.now(),
  });
  await services.digests.markSent({ id: digest.id, subscriberId: reader.id });
  assert.deepEqual(await services.notices.owed(reader.id), []);
  assert.deepEqual(await runCheck('notices-2'), { notices: 1, recorded: 0, owed: 0 });
});
