import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { loadCardInput } from '../../src/card/load-card-input.ts';
import { renderCard } from '../../src/card/render-card.ts';
import { DigestRun } from '../../src/digest/compose-digest.ts';
import { RETRY_BASE_MS } from '../../src/enrich/enrich-failures.ts';
import { checkHealth } from '../../src/health/check-health.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { queryHash } from '../../src/store/cursor-store.ts';
import { awaitEnrichment } from '../helpers/await-enrichment.ts';
import { biocDocument } from '../helpers/bioc-json.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { jatsArticleXml } from '../helpers/jats-xml.ts';
import { OutageProxy } from '../helpers/outage-proxy.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { deletePrefix, REFERENCE_DAY, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS } from '../helpers/until.ts';

const QUERY = '"vertebral metastas*"[tiab]';
const PUBMED_KEY = '10.1000/outage.501';
const PMC_KEY = '10.1000/outage.502';
const TITLE = 'Vertebral metastases treated with stereotactic radiotherapy';
const ABSTRACT = 'Vertebral metastases from breast cancer were controlled in most patients.';

describe('enrichment services that keep failing never hold the pipeline', () => {
  const prefix = testPrefix('enrich-outage');
  let ncbi: FakeNcbi;
  let outage: OutageProxy;
  let services: Services;
  let workers: Worker[];
  let events: OpenQueueEvents;
  let nowMs = REFERENCE_DAY.getTime();

  before(async () => {
    ncbi = await new FakeNcbi().start();
    ncbi.addRecords([{ pmid: '41000501', edat: '2026/11/25', xml: pubmedArticleXml({ pmid: '41000501', doi: PUBMED_KEY, title: TITLE, abstract: ABSTRACT }) }]);
    ncbi.setQuery(QUERY, ['41000501']);
    // A PMC-only work: its PMC batch used to ask PubTator itself, so a PubTator outage failed the poll.
    ncbi.addPmcArticles([
      {
        pmcid: 'PMC9000502',
        edat: '2026/11/25',
        xml: jatsArticleXml({
          pmcid: 'PMC9000502',
          doi: PMC_KEY,
          title: 'Vertebral metastases in a PMC-only report',
          abstract: 'Vertebral metastases of renal cancer.',
          body: ['Renal cancer.'],
          captionedFigures: 2,
          references: 4,
        }),
      },
    ]);
    ncbi.setQuery(QUERY, ['PMC9000502'], 'pmc');
    outage = await new OutageProxy(new URL(ncbi.url).origin).start();
    services = testServices({
      prefix,
      eutilsUrl: ncbi.url,
      config: testConfig([{ id: 'vertebral', name: 'Vertebral metastases', query: QUERY, sources: ['pubmed', 'pmc'] }]),
      // The ID converter and PubTator3 are down; the E-utilities answer.
      env: { PMC_IDCONV_URL: outage.url(ncbi.idconvUrl), PUBTATOR_URL: outage.url(ncbi.pubtatorUrl) },
      now: () => new Date(nowMs),
    });
    await services.subscribers.save({ email: 'reader@example.org', watches: ['vertebral'], frequency: 'daily', timezone: 'UTC' }, 'admin', nowMs - 86_400_000);
    workers = startWorkers(services);
    events = await openQueueEvents(services, 'poll');
  });

  after(async () => {
    await closeWorkers(workers);
    await events.close();
    await services.close();
    await outage.close();
    await ncbi.close();
    await deletePrefix(prefix);
  });

  async function poll(): Promise<pollWatch.PollSummary> {
    const job = await services.queues.poll.add(pollWatch.name, { watchId: 'vertebral' }, { jobId: `poll-vertebral-${Date.now()}` });
    return (await job.waitUntilFinished(events.events, PATIENCE_MS)) as pollWatch.PollSummary;
  }

  async function card(key: string): Promise<string> {
    const work = await services.works.get(key);
    assert.ok(work, `work ${key} is stored`);
    return renderCard(await loadCardInput(work, services.enrichment, services.config(), services.notices));
  }

  const enrichFailing = async () => (await checkHealth(services, nowMs)).checks.find((c) => c.event === 'enrich.failing');

  test('the poll stores its works and moves its cursor without waiting for enrichment, and says what it queued', async () => {
    const summary = await poll();
    assert.equal(summary.created, 2);
    assert.equal(summary.cursorMoved, true);
    assert.equal((await services.cursors.get('vertebral', queryHash(QUERY)))?.date, '2026/11/27');
    assert.equal(summary.enrichment.works, 2);
    assert.ok(summary.enrichment.jobs.length >= 2, 'one enrich-works job per fetch batch');
    await awaitEnrichment(services, summary);
    assert.ok(outage.refused > 0, 'enrichment did ask the failing services');
  });

  test('the cards say what is pending; the PMC full text the poll held is on the card already', async () => {
    const pubmedCard = await card(PUBMED_KEY);
    assert.match(pubmedCard, /\nPending: PMC copy, entities \(not available at the last try; tried again on a later poll\)\n/);
    const pmcCard = await card(PMC_KEY);
    assert.match(pmcCard, /\nPending: entities \(not available at the last try; tried again on a later poll\)\n/);
    assert.match(pmcCard, /2 figures with captions in the complete paper/);
  });

  test('health flags the failing enrichment', async () => {
    const check = await enrichFailing();
    assert.equal(check?.ok, false);
    assert.match(check?.detail ?? '', /^2 works could not be enriched/);
  });

  test('the next digest still holds both works, their cards saying what is pending', async () => {
    const subscriber = await services.subscribers.findByEmail('reader@example.org');
    const composed = await new DigestRun(services, new Date(nowMs)).compose(subscriber!);
    assert.deepEqual([...composed.assembled.workKeys].sort(), [PUBMED_KEY, PMC_KEY]);
    // The digest lists compact entries; the card each one links to says what is pending.
    assert.ok(composed.email?.text.includes(`/works/${encodeURIComponent(PUBMED_KEY)}\n`));
    assert.match(await card(PUBMED_KEY), /Pending: PMC copy, entities/);
  });

  test('a poll before the backoff has passed does not ask the failing services again', async () => {
    nowMs += RETRY_BASE_MS / 3;
    const refused = outage.refused;
    const summary = await poll();
    assert.equal(summary.enrichment.works, 0);
    assert.equal(outage.refused, refused);
  });

  test('a poll after the backoff tries again, and once the services are back the cards complete', async () => {
    outage.failing = false;
    ncbi.setPmcid('41000501', 'PMC9000501');
    ncbi.addPmcArticles([
      {
        pmcid: 'PMC9000501',
        edat: '2026/11/25',
        xml: jatsArticleXml({
          pmcid: 'PMC9000501',
          pmid: '41000501',
          doi: PUBMED_KEY,
          title: TITLE,
          abstract: ABSTRACT,
          body: ['Breast cancer.'],
          captionedFigures: 1,
          references: 9,
        }),
      },
    ]);
    ncbi.addBiocDocument(
      { pmid: '41000501' },
      biocDocument({ pmid: '41000501', title: TITLE, abstract: ABSTRACT, annotations: [{ type: 'Disease', id: 'MESH:D001943', text: 'breast cancer' }] }),
    );
    nowMs += RETRY_BASE_MS;
    const summary = await poll();
    assert.equal(summary.enrichment.works, 2, 'both failed works were queued again');
    await awaitEnrichment(services, summary);
    const pubmedCard = await card(PUBMED_KEY);
    assert.doesNotMatch(pubmedCard, /Pending:/);
    assert.match(pubmedCard, /breast cancer \(MESH:D001943\)/);
    assert.match(pubmedCard, /1 figures? with captions/);
    assert.doesNotMatch(await card(PMC_KEY), /Pending:/, 'PubTator answered (nothing annotated yet is an answer)');
    assert.equal((await enrichFailing())?.ok, true);
  });
});

describe('an enrichment job that fails for good (not a service: a broken vocabulary folder)', () => {
  const prefix = testPrefix('enrich-broken');
  let ncbi: FakeNcbi;
  let services: Services;
  let workers: Worker[];
  let events: OpenQueueEvents;

  before(async () => {
    ncbi = await new FakeNcbi().start();
    ncbi.addRecords([
      { pmid: '41000511', edat: '2026/11/25', xml: pubmedArticleXml({ pmid: '41000511', doi: '10.1000/broken.511', title: TITLE, abstract: ABSTRACT }) },
    ]);
    ncbi.setQuery(QUERY, ['41000511']);
    // A vocabulary folder without its files: loading it throws inside the enrichment job.
    services = testServices({
      prefix,
      eutilsUrl: ncbi.url,
      vocabDir: mkdtempSync(path.join(tmpdir(), 'litwatch-empty-vocab-')),
      config: testConfig([{ id: 'vertebral', query: QUERY }]),
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
  });

  test('leaves its works delivered, pending as failed, and flagged in health', async () => {
    const job = await services.queues.poll.add(pollWatch.name, { watchId: 'vertebral' }, { jobId: 'poll-vertebral-broken' });
    const summary = (await job.waitUntilFinished(events.events, PATIENCE_MS)) as pollWatch.PollSummary;
    assert.equal(summary.cursorMoved, true);
    await awaitEnrichment(services, summary);
    const enrichJob = await services.queues.enrich.getJob(summary.enrichment.jobs[0]!);
    assert.equal(await enrichJob?.getState(), 'failed');
    const pending = await services.enrichment.pending.get('10.1000/broken.511');
    assert.equal(pending?.attempts, 1);
    assert.ok((pending?.nextAt ?? 0) > REFERENCE_DAY.getTime());
    assert.equal((await checkHealth(services, Date.now())).checks.find((c) => c.event === 'enrich.failing')?.ok, false);
  });
});
