import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { awaitEnrichment } from '../helpers/await-enrichment.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { jatsArticleXml } from '../helpers/jats-xml.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS } from '../helpers/until.ts';

const QUERY = '"sternal metastas*"[tiab]';

describe('PMC is polled on its live date', () => {
  const prefix = testPrefix('pmc-live');
  let ncbi: FakeNcbi;
  let services: Services;
  let workers: Worker[];
  let events: OpenQueueEvents;

  before(async () => {
    ncbi = await new FakeNcbi().start();
    ncbi.addPmcArticles([
      // Entered in PMC in September under an embargo, live in PMC (readable) since yesterday.
      {
        pmcid: 'PMC9000401',
        edat: '2026/09/01',
        liveDate: '2026/11/26',
        xml: jatsArticleXml({
          pmcid: 'PMC9000401',
          doi: '10.1000/embargo.401',
          title: 'Sternal metastases after embargo',
          abstract: 'Sternal metastases.',
          body: ['Text.'],
        }),
      },
      {
        pmcid: 'PMC9000402',
        edat: '2026/11/25',
        xml: jatsArticleXml({
          pmcid: 'PMC9000402',
          doi: '10.1000/open.402',
          title: 'Sternal metastases, open at once',
          abstract: 'Sternal metastases.',
          body: ['Text.'],
        }),
      },
    ]);
    ncbi.setQuery(QUERY, ['PMC9000401', 'PMC9000402'], 'pmc');
    services = testServices({ prefix, eutilsUrl: ncbi.url, config: testConfig([{ id: 'sternal', query: QUERY, sources: ['pmc'] }]) });
    workers = startWorkers(services);
    events = await openQueueEvents(services, 'poll');
  });

  after(async () => {
    await closeWorkers(workers);
    await events.close();
    await services.close();
    await ncbi.close();
    await deletePrefix(prefix);
  });

  test('an article that went live in the window is found, however long ago PMC entered it', async () => {
    const job = await services.queues.poll.add(pollWatch.name, { watchId: 'sternal' }, { jobId: 'poll-sternal-live' });
    const summary = (await job.waitUntilFinished(events.events, PATIENCE_MS)) as pollWatch.PollSummary;
    await awaitEnrichment(services, summary);
    assert.equal(summary.created, 2);
    assert.ok(await services.works.get('10.1000/embargo.401'), 'the article out of embargo is stored');
    const search = ncbi.requests.find((r) => r.endpoint === 'esearch.fcgi' && r.params.db === 'pmc');
    assert.equal(search?.params.term, `(${QUERY}) AND ("2026/10/28"[PMC Live Date] : "2026/11/27"[PMC Live Date])`);
    assert.equal(search?.params.datetype, undefined, 'no Entrez-date window on top of it');
  });
});
