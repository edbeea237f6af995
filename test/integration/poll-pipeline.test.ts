import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { awaitEnrichment } from '../helpers/await-enrichment.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS } from '../helpers/until.ts';

const BONE = '"Bone Neoplasms/secondary"[Mesh] OR "bone metastas*"[tiab]';
const PROSTATE = '"Prostatic Neoplasms"[Mesh] AND "bone"[tiab]';

/** Four works: one both watches find (by DOI), one without DOI, one citing other DOIs. */
function seed(ncbi: FakeNcbi): void {
  ncbi.addRecords([
    {
      pmid: '41000001',
      edat: '2026/11/25',
      xml: pubmedArticleXml({
        pmid: '41000001',
        doi: '10.1016/j.jbo.2026.100601',
        title: 'Radium-223 in bone-metastatic castration-resistant prostate cancer',
      }),
    },
    {
      pmid: '41000002',
      edat: '2026/11/24',
      xml: pubmedArticleXml({ pmid: '41000002', doi: '10.1038/s41416-026-0002-x', title: 'Osteoclast niches in breast cancer bone metastasis' }),
    },
    { pmid: '41000003', edat: '2026/11/23', xml: pubmedArticleXml({ pmid: '41000003', title: 'PSMA PET staging of skeletal lesions' }) },
    {
      pmid: '41000004',
      edat: '2026/11/22',
      xml: pubmedArticleXml({
        pmid: '41000004',
        doi: '10.3389/fonc.2026.004',
        title: 'Denosumab versus zoledronic acid: a review',
        references: ['10.1016/j.jbo.2026.100601', '10.1056/NEJMoa1213755'],
      }),
    },
  ]);
  ncbi.setQuery(BONE, ['41000001', '41000002', '41000004']);
  ncbi.setQuery(PROSTATE, ['41000001', '41000003']);
}

describe('a poll through the queues', () => {
  let ncbi: FakeNcbi;
  let services: Services;
  let workers: Worker[];
  let events: OpenQueueEvents;
  const prefix = testPrefix('pipeline');

  before(async () => {
    ncbi = await new FakeNcbi().start();
    seed(ncbi);
    const config = testConfig([
      { id: 'bone-metastasis', name: 'Bone metastasis', query: BONE },
      { id: 'prostate-bone', name: 'Prostate cancer in bone', query: PROSTATE },
    ]);
    services = testServices({ prefix, eutilsUrl: ncbi.url, config });
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

  async function poll(watchId: string): Promise<pollWatch.PollSummary> {
    const job = await services.queues.poll.add(pollWatch.name, { watchId }, { jobId: `poll-${watchId}-${Date.now()}` });
    const summary = (await job.waitUntilFinished(events.events, PATIENCE_MS)) as pollWatch.PollSummary;
    await awaitEnrichment(services, summary);
    return summary;
  }

  test('two watches that share a work store it once, listing both watches', async () => {
    const [bone, prostate] = await Promise.all([poll('bone-metastasis'), poll('prostate-bone')]);
    assert.equal(bone.hits, 3);
    assert.equal(prostate.hits, 2);
    assert.equal(await services.works.count(), 4);
    const shared = await services.works.get('10.1016/j.jbo.2026.100601');
    assert.deepEqual(shared?.watches, ['bone-metastasis', 'prostate-bone']);
    assert.equal(await services.works.count('bone-metastasis'), 3);
    assert.equal(await services.works.count('prostate-bone'), 2);
    // Each watch found what it matched, the shared work included, whichever fetched it first.
    assert.equal(bone.newToWatch + prostate.newToWatch, 5);
    // The day's count for the chart (metrics use the wall clock: when the poll really ran).
    assert.equal((await services.metrics.dailyFound('prostate-bone', 1)).at(-1)?.count, 2);
  });

  test('a work without a DOI is keyed by its PMID, and cited DOIs never become a key', async () => {
    const keys = (await services.works.list()).map((w) => w.key).sort();
    assert.deepEqual(keys, ['10.1016/j.jbo.2026.100601', '10.1038/s41416-026-0002-x', '10.3389/fonc.2026.004', 'pmid:41000003']);
  });

  test('each poll made one esearch and fetched its batch from the history server by POST', () => {
    assert.equal(ncbi.count('esearch.fcgi'), 2);
    const fetches = ncbi.requests.filter((r) => r.endpoint === 'efetch.fcgi');
    assert.equal(fetches.length, 2);
    for (const fetch of fetches) {
      assert.match(fetch.params.WebEnv ?? '', /^MCID_/);
      assert.equal(fetch.params.query_key, '1');
      assert.equal(fetch.params.tool, 'litwatch');
      assert.equal(fetch.params.email, 'tests@litwatch.invalid');
    }
    const search = ncbi.requests.find((r) => r.endpoint === 'esearch.fcgi');
    assert.equal(search?.params.usehistory, 'y');
    assert.equal(search?.params.datetype, 'edat');
    assert.equal(search?.params.mindate, '2026/10/28'); // first poll: 30 days back
    assert.equal(search?.params.maxdate, '2026/11/27');
  });

  test('a second poll with nothing new fetches nothing and stores nothing', async () => {
    const before = ncbi.requests.length;
    const summary = await poll('bone-metastasis');
    assert.equal(summary.hits, 2); // the overlap window (from 2026/11/24) holds 41000001 and 41000002
    assert.equal(summary.linked, 0); // both were linked to this watch already
    assert.equal(summary.batches, 0);
    assert.equal(summary.created + summary.updated, 0);
    assert.equal(await services.works.count(), 4);
    const made = ncbi.requests.slice(before).map((r) => r.endpoint);
    assert.deepEqual(made, ['esearch.fcgi']);
  });

  test('the cursor moved: the next window starts at the last poll minus the overlap', async () => {
    const before = ncbi.requests.length;
    await poll('bone-metastasis');
    const search = ncbi.requests.slice(before).find((r) => r.endpoint === 'esearch.fcgi');
    assert.equal(search?.params.mindate, '2026/11/24');
  });

  test('a 429, then a rate-limit error inside a 200, are retried and nothing is lost', async () => {
    ncbi.addRecords([
      {
        pmid: '41000005',
        edat: '2026/11/26',
        xml: pubmedArticleXml({ pmid: '41000005', doi: '10.1000/late.5', title: 'Spinal metastases: stereotactic radiotherapy outcomes' }),
      },
    ]);
    ncbi.setQuery(BONE, ['41000001', '41000002', '41000004', '41000005']);
    ncbi.failNext('esearch.fcgi', '429');
    ncbi.failNext('efetch.fcgi', '429-in-200', '500', 'reset');
    const summary = await poll('bone-metastasis');
    assert.equal(summary.created, 1);
    assert.ok(await services.works.get('10.1000/late.5'));
    assert.equal(services.ncbi.stats.rateLimited, 2);
  });
});
