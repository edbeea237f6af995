import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { biocDocument } from '../helpers/bioc-json.ts';
import { cliEnv, PROJECT_ROOT, runCli } from '../helpers/cli.ts';
import { jatsArticleXml } from '../helpers/jats-xml.ts';
import { pubmedArticleSetXml, pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { sectionBody } from '../helpers/card-sections.ts';

const VOCAB = path.join(PROJECT_ROOT, 'test', 'fixtures', 'vocab');
const SHARED = path.resolve(PROJECT_ROOT, '..', 'shared', 'fixtures', 'ncbi');

describe('litwatch card built offline from recorded files', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'litwatch-offline-'));
  const files = { efetch: path.join(dir, 'efetch.xml'), jats: path.join(dir, 'pmc.xml'), bioc: path.join(dir, 'bioc.json') };
  const TITLE = 'RANKL inhibition in breast cancer bone metastasis';
  const ABSTRACT = 'Denosumab delayed skeletal events in breast cancer patients.';

  before(() => {
    writeFileSync(
      files.efetch,
      pubmedArticleSetXml([
        pubmedArticleXml({ pmid: '41000401', doi: '10.1000/offline.401', title: TITLE, abstract: ABSTRACT }),
        pubmedArticleXml({
          pmid: '41000402',
          title: 'Prostate cancer bone metastases in mice',
          abstract: 'Prostate cancer cells formed bone metastases in mice.',
        }),
      ]),
    );
    // The PMC copy names the PMCID the PubMed record does not give yet.
    writeFileSync(
      files.jats,
      `<pmc-articleset>${jatsArticleXml({ pmcid: 'PMC9000401', pmid: '41000401', title: TITLE, abstract: ABSTRACT, body: ['Bone.'], captionedFigures: 2, references: 17 })}</pmc-articleset>`,
    );
    writeFileSync(
      files.bioc,
      JSON.stringify({
        PubTator3: [
          biocDocument({
            pmid: '41000401',
            title: TITLE,
            abstract: ABSTRACT,
            annotations: [
              { type: 'Disease', id: 'MESH:D001943', text: 'breast cancer' },
              { type: 'Species', id: '9606', text: 'patients' },
            ],
          }),
        ],
      }),
    );
  });

  test('each side file is matched to its article by PMID, and the rest is tagged with the vocabulary', async () => {
    const { code, stdout, stderr } = await runCli(['card', files.efetch, '--pmc', files.jats, '--pubtator', files.bioc, '--vocab', VOCAB], cliEnv({}));
    assert.equal(code, 0, stderr);
    const [first, second] = stdout.split(/\n(?=# )/);
    assert.match(first!, /^PMC · DOI: 10\.1000\/offline\.401 · /m);
    assert.match(sectionBody(first!, 'Figures'), /^2 figures with captions/);
    assert.match(sectionBody(first!, 'References'), /^17 references/);
    assert.match(sectionBody(first!, 'Full-text entities'), /breast cancer \(MESH:D001943\)[\s\S]*Homo sapiens \(human, species\) \[taxon 9606\]/);
    assert.doesNotMatch(sectionBody(first!, 'Full-text entities'), /Tagged offline/);
    const local = sectionBody(second!, 'Full-text entities');
    assert.match(local, /Prostate cancer \(MESH:D011471\)/i);
    assert.match(local, /Mus musculus \(house mouse, species\) \[taxon 10090\]/);
    assert.match(local, /Tagged offline/);
    assert.match(sectionBody(second!, 'Figures'), /Not open access/);
  });

  const sharedFiles = [path.join(SHARED, 'pmc-jats', 'biomcp-efetch-pmc3040717.xml'), path.join(SHARED, 'pubtator', 'biomcp-pubtator3-biocjson-20516115.json')];
  test('a recorded PMC full text and PubTator export complete the card of their PubMed record', {
    skip: !sharedFiles.every(existsSync) && '../shared fixtures not present',
  }, async () => {
    const efetch = path.join(dir, 'brca1.xml');
    // Our own PubMed record for PMID 20516115; the PMC and PubTator files are the recorded ones.
    writeFileSync(
      efetch,
      pubmedArticleSetXml([
        pubmedArticleXml({
          pmid: '20516115',
          doi: '10.1158/0008-5472.CAN-09-4563',
          title: 'Comprehensive analysis of missense variations in the BRCT domain of BRCA1',
          abstract: 'BRCA1 variants.',
        }),
      ]),
    );
    const { code, stdout, stderr } = await runCli(['card', efetch, '--pmc', sharedFiles[0]!, '--pubtator', sharedFiles[1]!], cliEnv({}));
    assert.equal(code, 0, stderr);
    assert.match(sectionBody(stdout, 'Figures'), /^4 figures with captions in the complete paper: https:\/\/pmc\.ncbi\.nlm\.nih\.gov\/articles\/PMC3040717\/$/);
    assert.match(sectionBody(stdout, 'References'), /^53 references — /);
    const entities = sectionBody(stdout, 'Full-text entities');
    assert.match(entities, /- \*\*Diseases:\*\* breast and ovarian cancer \(MESH:D061325\), cancer \(MESH:D009369\)/);
    assert.match(entities, /- \*\*Genes:\*\* BRCA1 \(NCBI Gene:672\)/);
    assert.match(entities, /\[taxon 9606\]/);
  });
});
