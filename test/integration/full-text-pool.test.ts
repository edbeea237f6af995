import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { FullTextPool, type WantedFullText } from '../../src/store/full-text-pool.ts';
import { awaitEnrichment } from '../helpers/await-enrichment.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { jatsArticleXml } from '../helpers/jats-xml.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { deletePrefix, deleteRateLimitKey, REDIS_URL, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS } from '../helpers/until.ts';

const wanted = (from: number, count: number): WantedFullText[] =>
  Array.from({ length: count }, (_, i) => ({ pmcid: `PMC${from + i}`, workKey: `pmid:${from + i}` }));
const sizes = (batches: WantedFullText[][]) => batches.map((b) => b.length);

describe('the full-text pool hands out full batches, and the last part-filled one once', () => {
  const prefix = testPrefix('ft-pool');
  let redis: Redis;
  let pool: FullTextPool;

  before(() => {
    redis = new Redis(REDIS_URL);
    pool = new FullTextPool(redis, prefix);
  });

  after(async () => {
    await redis.quit();
    await deletePrefix(prefix);
  });

  test('full batches as they fill; the rest only when the scope is closed and every producer has added', async () => {
    assert.deepEqual(sizes(await pool.add('s1', 'job-a', wanted(1000, 25))), [20]);
    assert.deepEqual(sizes(await pool.add('s1', 'job-b', wanted(2000, 7))), [], '12 wait: more producers may come');
    assert.deepEqual(sizes(await pool.close('s1', 3)), [], 'closed, but job-c has not added yet');
    const last = await pool.add('s1', 'job-c', []);
    assert.deepEqual(sizes(last), [12], 'the last producer gets the rest');
    assert.deepEqual(
      last[0]!.map((w) => w.pmcid),
      [...wanted(1020, 5), ...wanted(2000, 7)].map((w) => w.pmcid),
      'in the order they came, each with its work',
    );
    assert.equal(last[0]![0]!.workKey, 'pmid:1020');
    assert.deepEqual(sizes(await pool.close('s1', 3)), [], 'closing again hands out nothing twice');
  });

  test('closed before the last producer, or a producer alone in its scope', async () => {
    await pool.add('s2', 'job-a', wanted(3000, 3));
    assert.deepEqual(sizes(await pool.close('s2', 1)), [3], 'every producer had added: the rest goes at close');
    assert.deepEqual(sizes(await pool.add('s3', 'retry-job', wanted(4000, 45), { closeWith: 1 })), [20, 20, 5]);
  });

  test('a PMCID added twice (a retried producer) is asked for once', async () => {
    await pool.add('s4', 'job-a', wanted(5000, 10));
    await pool.add('s4', 'job-a', wanted(5000, 10));
    const batches = await pool.close('s4', 1);
    assert.deepEqual(sizes(batches), [10]);
  });

  test('producers adding at once: every PMCID handed out exactly once, in ceil(n / 20) batches', async () => {
    const producers = 10;
    const results = await Promise.all([
      ...Array.from({ length: producers }, (_, i) => pool.add('s5', `job-${i}`, wanted(6000 + i * 100, 7))),
      pool.close('s5', producers),
    ]);
    const batches = results.flat();
    const handed = batches.flat().map((w) => w.pmcid);
    assert.equal(handed.length, 70);
    assert.equal(new Set(handed).size, 70);
    assert.equal(batches.length, Math.ceil(70 / 20));
  });
});

describe('one poll makes ceil(F / 20) PMC full-text requests, however its works are split into jobs', () => {
  const prefix = testPrefix('ft-poll');
  const QUERY = '"bone metastas*"[tiab]';
  let ncbi: FakeNcbi;
  let services: Services;
  let workers: Worker[];
  let events: OpenQueueEvents;
  // 450 records: three fetch batches (200, 200, 50), so three enrich jobs. Every eighth has a
  // PMCID (25, 25 and 7 a batch): batched per job that is 2 + 2 + 1 = 5 requests, pooled 3.
  const RECORDS = 450;
  const pmid = (i: number) => String(43_000_000 + i);
  const withPmcid = (i: number) => i % 8 === 0;
  const pmcidOf = (i: number) => `PMC${9_500_000 + i}`;

  before(async () => {
    ncbi = await new FakeNcbi().start();
    const records = Array.from({ length: RECORDS }, (_, i) => {
      // Half give their PMCID in the record, half are known only to the ID converter.
      const inRecord = withPmcid(i) && i % 16 === 0;
      if (withPmcid(i) && !inRecord) ncbi.setPmcid(pmid(i), pmcidOf(i));
      return {
        pmid: pmid(i),
        edat: '2026/11/20',
        xml: pubmedArticleXml({
          pmid: pmid(i),
          doi: `10.1000/pool.${i}`,
          title: `Bone metastasis ${i}`,
          abstract: 'Bone metastasis.',
          ...(inRecord ? { pmcid: pmcidOf(i) } : {}),
        }),
      };
    });
    ncbi.addRecords(records);
    ncbi.setQuery(
      QUERY,
      records.map((r) => r.pmid),
    );
    // PMC holds the JATS of most; the others are answered as absent (withdrawn, embargoed).
    ncbi.addPmcArticles(
      Array.from({ length: RECORDS }, (_, i) => i)
        .filter((i) => withPmcid(i) && i % 24 !== 0)
        .map((i) => ({
          pmcid: pmcidOf(i),
          edat: '2026/11/20',
          xml: jatsArticleXml({
            pmcid: pmcidOf(i),
            pmid: pmid(i),
            title: `Bone metastasis ${i}`,
            abstract: 'Bone metastasis.',
            body: ['Osteolytic lesions.'],
            references: 3,
          }),
        })),
    );
    services = testServices({
      prefix,
      eutilsUrl: ncbi.url,
      config: testConfig([{ id: 'bone', query: QUERY }]),
      env: { NCBI_API_KEY: 'pool0123456789abcdef0123456789abcdef' },
    });
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

  test('every full text fetched once, in full requests, and no work left pending', async () => {
    const job = await services.queues.poll.add(pollWatch.name, { watchId: 'bone' }, { jobId: 'poll-bone-pool' });
    const summary = (await job.waitUntilFinished(events.events, PATIENCE_MS)) as pollWatch.PollSummary;
    assert.equal(summary.created, RECORDS);
    assert.equal(summary.enrichment.jobs.length, 3, 'one enrich job per fetch batch');
    await awaitEnrichment(services, summary, 60_000);

    const pmcRequests = ncbi.requests.filter((r) => r.endpoint === 'efetch.fcgi' && r.params.db === 'pmc');
    const asked = pmcRequests.flatMap((r) => r.params.id!.split(','));
    const expected = Array.from({ length: RECORDS }, (_, i) => i).filter(withPmcid);
    assert.equal(asked.length, expected.length, 'each PMCID asked for once');
    assert.equal(new Set(asked).size, expected.length);
    assert.equal(pmcRequests.length, Math.ceil(expected.length / 20), `${pmcRequests.length} requests for ${expected.length} PMCIDs`);

    for (const i of expected) {
      const key = `10.1000/pool.${i}`;
      const fullText = await services.enrichment.fullText(key);
      assert.ok(fullText, `full text of work ${i} stored`);
      assert.equal(fullText.hasBody, i % 24 !== 0, `work ${i}: body when PMC has the article, recorded absent when not`);
    }
    assert.deepEqual(await services.enrichment.pending.counts(), { pending: 0, failed: 0 });
  });
});
