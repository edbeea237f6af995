import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as checkNotices from '../../jobs/check-notices.ts';
import * as rereadWorks from '../../jobs/reread-works.ts';
import { loadCardInput } from '../../src/card/load-card-input.ts';
import { renderCard } from '../../src/card/render-card.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { captureLogs, deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS } from '../helpers/until.ts';

const TODAY = new Date('2026-11-27T08:00:00Z');
/** Works stored over the last year, one more than an efetch request takes. */
const STORED = rereadWorks.REREAD_BATCH + 1;
const pmidOf = (i: number) => String(41100000 + i);

describe('notices found without relying on the notice types', () => {
  const prefix = testPrefix('notices-reread');
  const captured = captureLogs();
  let ncbi: FakeNcbi;
  let services: Services;
  let workers: Worker[];
  let events: OpenQueueEvents;

  before(async () => {
    ncbi = await new FakeNcbi().start();
    services = testServices({
      prefix,
      eutilsUrl: ncbi.url,
      config: testConfig([{ id: 'bone', name: 'Bone metastasis', query: 'a' }]),
      now: () => TODAY,
      log: captured.log,
    });
    for (let i = 0; i < STORED; i++)
      await services.works.upsert(makeArticle({ pmid: pmidOf(i), doi: `10.1000/reread.${i}`, title: `Stored work ${i}` }), 'bone');
    const reader = await services.subscribers.save({ email: 'hal@example.org', watches: ['bone'], frequency: 'daily' }, 'admin', TODAY.getTime());
    await services.subscribers.recordSent(reader.id, ['10.1000/reread.0']);
    // PubMed's records of the stored works as they read today: most unchanged, three now naming a notice.
    ncbi.addRecords(
      Array.from({ length: STORED }, (_, i) => ({
        pmid: pmidOf(i),
        edat: '2025/12/01',
        xml: pubmedArticleXml({ pmid: pmidOf(i), doi: `10.1000/reread.${i}`, title: `Stored work ${i}` }),
      })),
    );
    ncbi.addRecords([
      {
        pmid: pmidOf(0),
        edat: '2025/12/01',
        xml: pubmedArticleXml({
          pmid: pmidOf(0),
          doi: '10.1000/reread.0',
          title: 'Stored work 0',
          comments: [
            { refType: 'ErratumIn', pmid: '41199001' },
            { refType: 'ExpressionOfConcernIn', pmid: '41199002' },
          ],
        }),
      },
      // Retracted, its record says so by type only: no notice record is linked yet.
      {
        pmid: pmidOf(1),
        edat: '2025/12/01',
        xml: pubmedArticleXml({ pmid: pmidOf(1), doi: '10.1000/reread.1', title: 'Stored work 1', publicationType: 'Retracted Publication' }),
      },
      {
        pmid: pmidOf(STORED - 1),
        edat: '2025/12/01',
        xml: pubmedArticleXml({
          pmid: pmidOf(STORED - 1),
          doi: `10.1000/reread.${STORED - 1}`,
          title: 'Last stored work',
          comments: [{ refType: 'RetractedandRepublishedIn', pmid: '41199003' }],
        }),
      },
    ]);
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

  async function run<T>(name: string, id: string): Promise<T> {
    const job = await services.queues.poll.add(name, {}, { jobId: id });
    return (await job.waitUntilFinished(events.events, PATIENCE_MS)) as T;
  }

  async function card(key: string): Promise<string> {
    const work = await services.works.get(key);
    assert.ok(work);
    return renderCard(await loadCardInput(work, services.enrichment, services.config(), services.notices));
  }

  test("the weekly re-read raises notices from the works' own records, 200 PMIDs a request", async () => {
    const summary = await run<{ works: number; requests: number; recorded: number; owed: number }>(rereadWorks.name, 'reread-1');
    assert.deepEqual(summary, { works: STORED, requests: 2, recorded: 4, owed: 2 });
    const fetches = ncbi.requests.filter((r) => r.endpoint === 'efetch.fcgi');
    assert.deepEqual(
      fetches.map((r) => r.params.id?.split(',').length),
      [200, 1],
    );
    const first = await card('10.1000/reread.0');
    assert.match(first, /^Notice: erratum \(https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/41199001\/\)$/m);
    assert.match(first, /^Notice: expression of concern \(https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/41199002\/\)$/m);
    assert.match(await card('10.1000/reread.1'), /^Notice: retracted \(https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/41100001\/\)$/m);
    assert.match(await card(`10.1000/reread.${STORED - 1}`), /^Notice: retracted and republished \(https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/41199003\/\)$/m);
    assert.doesNotMatch(await card('10.1000/reread.2'), /Notice:/);
  });

  test('a second re-read records nothing again', async () => {
    const summary = await run<{ recorded: number; owed: number }>(rereadWorks.name, 'reread-2');
    assert.deepEqual([summary.recorded, summary.owed], [0, 0]);
  });

  test('the daily search asks for both names of the retraction type, says which PubMed does not know, and maps republished notices', async () => {
    assert.match(checkNotices.NOTICE_QUERY, /"Retraction of Publication"\[pt\]/);
    assert.match(checkNotices.NOTICE_QUERY, /"Retraction Notice"\[pt\]/);
    ncbi.declareUnknown('quotedphrasesnotfound', '"Retraction of Publication"[pt]');
    ncbi.addRecords([
      {
        pmid: '41199010',
        edat: '2026/11/26',
        xml: pubmedArticleXml({
          pmid: '41199010',
          title: 'Corrected and republished: stored work 5',
          publicationType: 'Corrected and Republished Article',
          day: 26,
          comments: [{ refType: 'CorrectedandRepublishedFrom', pmid: pmidOf(5) }],
        }),
      },
      {
        pmid: '41199011',
        edat: '2026/11/26',
        xml: pubmedArticleXml({
          pmid: '41199011',
          title: 'Retraction Notice: stored work 6',
          publicationType: 'Retraction Notice',
          day: 26,
          comments: [{ refType: 'RetractionOf', pmid: pmidOf(6) }],
        }),
      },
    ]);
    ncbi.setQuery(checkNotices.NOTICE_QUERY, ['41199010', '41199011']);
    const summary = await run<{ notices: number; recorded: number }>(checkNotices.name, 'notices-daily');
    assert.deepEqual([summary.notices, summary.recorded], [2, 2]);
    const warning = captured.lines.find((line) => line.event === 'notices.query_warning');
    assert.deepEqual(warning && [warning.kind, warning.phrase], ['quotedPhraseNotFound', '"Retraction of Publication"[pt]']);
    assert.match(await card('10.1000/reread.5'), /^Notice: corrected and republished \(2026-11-26, https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/41199010\/\)$/m);
    assert.match(await card('10.1000/reread.6'), /^Notice: retracted \(2026-11-26, https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/41199011\/\)$/m);
  });
});
