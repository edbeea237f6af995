import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { loadCardInput } from '../../src/card/load-card-input.ts';
import { renderCard } from '../../src/card/render-card.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { biocDocument } from '../helpers/bioc-json.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { jatsArticleXml } from '../helpers/jats-xml.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { sectionBody } from '../helpers/card-sections.ts';
import { awaitEnrichment } from '../helpers/await-enrichment.ts';
import { PATIENCE_MS } from '../helpers/until.ts';

const VOCAB = path.join(PROJECT_ROOT, 'test', 'fixtures', 'vocab');
const PUBMED_QUERY = '"bone metastas*"[tiab]';
const BOTH_QUERY = '"osteolytic metastas*"[tiab]';

const PMC_TITLE = 'Zoledronic acid and osteolytic bone metastasis in breast cancer';
const PMC_ABSTRACT = 'Bone metastasis is frequent in breast cancer patients; zoledronic acid reduced osteolysis in mice.';
const LOCAL_TITLE = 'Skeletal events in prostate cancer with bone metastases';
const LOCAL_ABSTRACT = 'Among 412 patients with prostate cancer and bone metastases, fractures were frequent.';

describe('cards completed from PMC and PubTator3', () => {
  const prefix = testPrefix('enrich');
  let ncbi: FakeNcbi;
  let services: Services;
  let workers: Worker[];
  let events: OpenQueueEvents;

  before(async () => {
    ncbi = await new FakeNcbi().start();
    // A PubMed work with a PMC full text and PubTator annotations.
    ncbi.addRecords([
      {
        pmid: '41000301',
        edat: '2026/11/25',
        xml: pubmedArticleXml({ pmid: '41000301', doi: '10.1000/pmc.301', pmcid: 'PMC9000301', title: PMC_TITLE, abstract: PMC_ABSTRACT }),
      },
      // A PubMed work PubTator has not annotated yet, and PMC does not have.
      {
        pmid: '41000302',
        edat: '2026/11/25',
        xml: pubmedArticleXml({ pmid: '41000302', doi: '10.1000/new.302', title: LOCAL_TITLE, abstract: LOCAL_ABSTRACT }),
      },
    ]);
    ncbi.setQuery(PUBMED_QUERY, ['41000301', '41000302']);
    ncbi.addPmcArticles([
      {
        pmcid: 'PMC9000301',
        edat: '2026/11/25',
        xml: jatsArticleXml({
          pmcid: 'PMC9000301',
          pmid: '41000301',
          doi: '10.1000/pmc.301',
          title: PMC_TITLE,
          abstract: PMC_ABSTRACT,
          body: ['Breast cancer spreads to bone.'],
          captionedFigures: 3,
          uncaptionedFigures: 1,
          references: 42,
        }),
      },
    ]);
    ncbi.addBiocDocument(
      { pmid: '41000301' },
      biocDocument({
        pmid: '41000301',
        title: PMC_TITLE,
        abstract: PMC_ABSTRACT,
        annotations: [
          { type: 'Disease', id: 'MESH:D001943', text: 'breast cancer' },
          { type: 'Chemical', id: 'MESH:D000077211', text: 'zoledronic acid' },
          { type: 'Species', id: '9606', text: 'patients' },
          { type: 'Species', id: '10090', text: 'mice' },
        ],
      }),
    );
    services = testServices({
      prefix,
      eutilsUrl: ncbi.url,
      vocabDir: VOCAB,
      config: testConfig([
        { id: 'bone', name: 'Bone metastasis', query: PUBMED_QUERY },
        { id: 'osteolytic', name: 'Osteolytic lesions', query: BOTH_QUERY, sources: ['pubmed', 'pmc'] },
      ]),
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

  async function poll(watchId: string): Promise<pollWatch.PollSummary> {
    const job = await services.queues.poll.add(pollWatch.name, { watchId }, { jobId: `poll-${watchId}-${Date.now()}` });
    const summary = (await job.waitUntilFinished(events.events, PATIENCE_MS)) as pollWatch.PollSummary;
    await awaitEnrichment(services, summary);
    return summary;
  }

  async function card(key: string): Promise<string> {
    const work = await services.works.get(key);
    assert.ok(work, `work ${key}`);
    return renderCard(await loadCardInput(work, services.enrichment, services.config()));
  }

  test("a PMC work's card has its figures, references and PubTator entities once the poll ends", async () => {
    await poll('bone');
    const text = await card('10.1000/pmc.301');
    assert.match(sectionBody(text, 'Figures'), /^3 figures with captions in the complete paper: https:\/\/pmc\.ncbi\.nlm\.nih\.gov\/articles\/PMC9000301\/$/);
    assert.match(sectionBody(text, 'References'), /^42 references — /);
    const entities = sectionBody(text, 'Full-text entities');
    assert.match(entities, /- \*\*Diseases:\*\* breast cancer \(MESH:D001943\)/);
    assert.match(entities, /- \*\*Chemicals:\*\* zoledronic acid \(MESH:D000077211\)/);
    assert.match(entities, /- \*\*Species:\*\* Homo sapiens \(human, species\) \[taxon 9606\], Mus musculus \(house mouse, species\) \[taxon 10090\]/);
    assert.doesNotMatch(entities, /Tagged offline/);
    assert.equal(ncbi.count('efetch.fcgi', 'pmc'), 1, 'the JATS was fetched once');
  });

  test('a work PubTator has not annotated gets offline entities, and is asked about again', async () => {
    const entities = await services.enrichment.entities('10.1000/new.302');
    assert.equal(entities?.source, 'local');
    assert.deepEqual(entities?.diseases.map((d) => d.id).slice(0, 1), ['MESH:D011471']);
    assert.match(sectionBody(await card('10.1000/new.302'), 'Full-text entities'), /Tagged offline/);
    assert.deepEqual(await services.enrichment.dueRetries(), ['10.1000/new.302']);
  });

  test("a later poll replaces the offline tags with PubTator's once PubTator has them", async () => {
    ncbi.addBiocDocument(
      { pmid: '41000302' },
      biocDocument({
        pmid: '41000302',
        title: LOCAL_TITLE,
        abstract: LOCAL_ABSTRACT,
        annotations: [
          { type: 'Disease', id: 'MESH:D011471', text: 'prostate cancer' },
          { type: 'Species', id: '9606', text: 'patients' },
        ],
      }),
    );
    const before = ncbi.count('efetch.fcgi');
    await poll('bone');
    assert.equal((await services.enrichment.entities('10.1000/new.302'))?.source, 'pubtator');
    assert.deepEqual(await services.enrichment.dueRetries(), []);
    assert.equal(ncbi.count('efetch.fcgi') - before, 0, 'nothing was fetched again');
  });

  test('a work found in PubMed and PMC is one record listing both sources; a PMC-only work is stored from its JATS', async () => {
    ncbi.addRecords([
      {
        pmid: '41000303',
        edat: '2026/11/26',
        xml: pubmedArticleXml({
          pmid: '41000303',
          doi: '10.1000/both.303',
          title: 'Osteolytic metastases: a PubMed record without its PMCID yet',
          abstract: 'Osteolytic metastases in myeloma.',
        }),
      },
    ]);
    ncbi.setQuery(BOTH_QUERY, ['41000303']);
    ncbi.setPmcid('41000303', 'PMC9000303');
    ncbi.addPmcArticles([
      {
        pmcid: 'PMC9000303',
        edat: '2026/11/26',
        xml: jatsArticleXml({
          pmcid: 'PMC9000303',
          pmid: '41000303',
          doi: '10.1000/both.303',
          title: 'Osteolytic metastases (PMC copy)',
          abstract: 'Osteolytic metastases in myeloma.',
          body: ['Myeloma.'],
          captionedFigures: 1,
          references: 5,
        }),
      },
      {
        pmcid: 'PMC9000304',
        edat: '2026/11/26',
        xml: jatsArticleXml({
          pmcid: 'PMC9000304',
          doi: '10.1000/pmconly.304',
          title: 'Osteolytic metastases in a PMC-only preprint',
          abstract: 'Osteolytic metastases of renal cancer.',
          body: ['Renal cancer.'],
          captionedFigures: 2,
          references: 7,
        }),
      },
    ]);
    ncbi.setQuery(BOTH_QUERY, ['PMC9000303', 'PMC9000304'], 'pmc');
    const pmcFetchesBefore = ncbi.count('efetch.fcgi', 'pmc');

    const summary = await poll('osteolytic');
    assert.deepEqual(
      summary.bySource.map((s) => [s.source, s.hits, s.batches]),
      [
        ['pubmed', 1, 1],
        ['pmc', 2, 1],
      ],
    );

    const both = await services.works.get('10.1000/both.303');
    assert.deepEqual(both?.sources, ['pmc', 'pubmed']);
    assert.equal(both?.article.title, 'Osteolytic metastases: a PubMed record without its PMCID yet', "PubMed's record stays the work's metadata");
    assert.equal(both?.article.pmcid, 'PMC9000303', 'the ID converter gave the PMCID');

    const pmcOnly = await services.works.get('10.1000/pmconly.304');
    assert.equal(pmcOnly?.article.kind, 'pmc');
    assert.deepEqual(pmcOnly?.sources, ['pmc']);
    assert.match(sectionBody(await card('10.1000/pmconly.304'), 'Figures'), /^2 figures with captions/);

    // PMC9000303's full text is fetched by whichever job gets to it first: the enrichment that learnt its PMCID, or the PMC search's batch; never both.
    const pmcFetched = ncbi.requests
      .filter((r) => r.endpoint === 'efetch.fcgi' && r.params.db === 'pmc')
      .slice(pmcFetchesBefore)
      .flatMap((r) => r.params.id?.split(',') ?? []);
    assert.deepEqual(pmcFetched.sort(), ['9000303', '9000304'], 'each PMC full text fetched once');
    assert.equal(ncbi.count('idconv'), 2, 'the ID converter is asked once per new PubMed work without a PMCID');
  });
});
