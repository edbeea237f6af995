import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { esearch } from '../../src/ncbi/eutils.ts';
import { pmcidsForPmids } from '../../src/ncbi/pmc-idconv.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { deletePrefix, deleteRateLimitKey, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS } from '../helpers/until.ts';

const QUERY = '"bone metastas*"[tiab] AND osseus[tiab]';

describe('replies in the shapes the live services document', () => {
  let ncbi: FakeNcbi;
  let services: Services;
  let workers: Worker[];
  let events: OpenQueueEvents;
  const prefix = testPrefix('reply-shapes');

  before(async () => {
    ncbi = await new FakeNcbi().start();
    ncbi.addRecords([
      { pmid: '41000501', edat: '2026/11/20', xml: pubmedArticleXml({ pmid: '41000501', doi: '10.5555/shapes.1', title: 'Bone metastasis in a quiet month' }) },
    ]);
    ncbi.setQuery(QUERY, ['41000501']);
    // Nothing in PMC for this window: its esearch answers count "0" and no history entry.
    ncbi.setQuery(QUERY, [], 'pmc');
    ncbi.declareUnknown('phrasesnotfound', 'osseus');
    services = testServices({ prefix, eutilsUrl: ncbi.url, config: testConfig([{ id: 'quiet', query: QUERY, sources: ['pubmed', 'pmc'] }]) });
    workers = startWorkers(services);
    events = await openQueueEvents(services, 'poll');
  });

  after(async () => {
    await closeWorkers(workers);
    await events.close();
    await services.close();
    await ncbi.close();
    await deletePrefix(prefix);
    await deleteRateLimitKey(ncbi.url);
  });

  test('a PMC window with no hits (no WebEnv) completes the poll and moves the cursor', async () => {
    const job = await services.queues.poll.add(pollWatch.name, { watchId: 'quiet' }, { jobId: 'poll-quiet-1' });
    const summary = (await job.waitUntilFinished(events.events, PATIENCE_MS)) as pollWatch.PollSummary;
    assert.deepEqual(
      summary.bySource.map((s) => [s.source, s.hits, s.batches]),
      [
        ['pubmed', 1, 1],
        ['pmc', 0, 0],
      ],
    );
    assert.equal(summary.cursorMoved, true);
    assert.equal(ncbi.count('esearch.fcgi', 'pmc'), 1, 'one search: a count of 0 is not retried');
  });

  test('a phrase PubMed does not know comes back as a typed warning', async () => {
    const result = await esearch(services.ncbi, { db: 'pubmed', term: QUERY, window: { min: '2026/11/01', max: '2026/11/27' } });
    assert.deepEqual(result.warnings, [{ kind: 'phraseNotFound', phrase: 'osseus' }]);
  });

  test('the ID converter numeric pmid is read, keyed on the requested id', async () => {
    ncbi.setPmcid('41000501', 'PMC9000501');
    const found = await pmcidsForPmids(services.ncbi, services.env.PMC_IDCONV_URL, ['41000501', '41000502']);
    assert.deepEqual([...found], [['41000501', 'PMC9000501']]);
  });
});
