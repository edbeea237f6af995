import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { JatsArticle } from '../../src/parse/full-text.ts';
import { parseJatsXml } from '../../src/parse/jats-stream.ts';

function parseFixture(name: string): JatsArticle[] {
  const xml = readFileSync(new URL(`../fixtures/jats/${name}`, import.meta.url), 'utf8');
  return parseJatsXml(xml, { onRecordError: (error) => assert.fail(error) });
}

function only(name: string): JatsArticle {
  const [first] = parseFixture(name);
  assert.ok(first, name);
  return first;
}

/** A bare article with these article-meta children, for one-field tests. */
function withMeta(meta: string): JatsArticle {
  const [first] = parseJatsXml(`<article><front><article-meta><article-id pub-id-type="pmcid">PMC1</article-id>${meta}</article-meta></front></article>`);
  assert.ok(first);
  return first;
}

const [nihms, frontiers] = parseFixture('articleset-two.xml');
const bare = only('bare-article.nxml');

describe('article ids', () => {
  test('the current "pmcid" id style gives the PMCID as written, other PMC ids ignored', () => {
    assert.equal(nihms?.article.pmcid, 'PMC11900301');
    assert.equal(nihms?.fullText.pmcid, 'PMC11900301');
    assert.equal(nihms?.article.pmid, '40100301');
    assert.equal(nihms?.article.doi, '10.1158/0008-5472.CAN-24-1234');
  });

  test('the older "pmc" id style (digits only) gives the PMC-prefixed form', () => {
    assert.equal(frontiers?.article.pmcid, 'PMC11900302');
    assert.equal(frontiers?.article.pmid, '40100302');
  });

  test('an article without a PMID or DOI leaves them absent', () => {
    const article = withMeta('<title-group><article-title>Bone pain</article-title></title-group>').article;
    assert.equal('pmid' in article, false);
    assert.equal('doi' in article, false);
    assert.equal(article.kind, 'pmc');
  });
});

describe('title', () => {
  test('keeps italics and sup as card markup, decodes P &lt; 0.001 whole and drops the footnote mark', () => {
    assert.equal(
      bare.article.title,
      'Osteoclast-derived *TGF-β* drives Ca<sup>2+</sup>-dependent osteolysis in breast cancer bone metastasis (P < 0.001 in xenografts)',
    );
  });

  test('a < that would open a tag is written &lt; in the card title', () => {
    assert.equal(withMeta('<title-group><article-title>Why &lt;script&gt; tags leak</article-title></title-group>').article.title, 'Why &lt;script> tags leak');
  });
});

describe('abstract', () => {
  test("a structured abstract gives one labelled part per section, without the abstract's own title or a trailing colon", () => {
    assert.deepEqual(
      bare.article.abstract.map((part) => part.label),
      ['Background', 'Methods', 'Results', 'Conclusions'],
    );
    assert.equal(
      bare.article.abstract[1]?.text,
      'We injected MDA-MB-231 cells into the tibiae of nude mice and treated them with zoledronic acid or vehicle *in vivo*.',
    );
    assert.equal(
      bare.article.abstract[2]?.text,
      'Zoledronic acid reduced the osteolytic lesion area by 48% (P < 0.001) and serum Ca<sup>2+</sup> returned to baseline.',
    );
  });

  test('an unstructured abstract gives one unlabelled part per paragraph', () => {
    assert.deepEqual(frontiers?.article.abstract, [
      { text: 'Single-fraction radiotherapy relieves pain from uncomplicated bone metastases as well as multiple fractions.' },
      { text: 'Retreatment is more frequent after a single fraction, which matters less for patients with a short life expectancy.' },
    ]);
  });

  test('the untyped abstract is chosen over the graphical abstract and highlights deposited before it', () => {
    const [medcomm] = parseFixture('graphical-abstract.xml');
    assert.deepEqual(medcomm?.article.abstract, [
      { text: 'Bone metastasis (BoMet) complicates many solid tumours. This review examines how the RANKL–OPG axis couples tumour cells to osteoclasts.' },
    ]);
  });
});

describe('authors', () => {
  test('personal names carry given names, initials, suffix, ORCID and equal contribution', () => {
    assert.deepEqual(bare.article.authors.slice(0, 2), [
      { lastName: 'Okafor', foreName: 'Adaeze N.', orcid: '0000-0002-1825-0097' },
      { lastName: 'Lindqvist', foreName: 'Maja', suffix: 'Jr', equalContrib: true },
    ]);
    assert.deepEqual(nihms?.article.authors[1], { lastName: 'Mbeki', foreName: 'Thandiwe A.', initials: 'TA' });
  });

  test('a collab author is a collective name without its member list; editors are not authors', () => {
    assert.deepEqual(bare.article.authors[2], { collectiveName: 'Bone Metastasis Imaging Consortium' });
    assert.equal(bare.article.authors.length, 3);
  });

  test('name-alternatives give the first (western) name and a bare ORCID stays bare', () => {
    assert.deepEqual(frontiers?.article.authors, [{ lastName: 'Chen', foreName: 'Wei', orcid: '0000-0001-5109-3700' }]);
  });
});

describe('journal and dates', () => {
  test('journal title, abbreviation, print ISSN, volume, issue and pages of an NIHMS manuscript', () => {
    assert.deepEqual(nihms?.article.journal, { title: 'Cancer research', isoAbbreviation: 'Cancer Res', issn: '0008-5472', volume: '84', issue: '22' });
    assert.equal(nihms?.article.pages, '3711-3724');
  });

  test('pub-type epub is the electronic date and ppub the issue date', () => {
    assert.deepEqual(nihms?.article.electronicDate, { year: 2024, month: 9, day: 3 });
    assert.deepEqual(nihms?.article.pubDate, { year: 2024, month: 11, day: 15 });
  });

  test('JATS 1.2 date-type with publication-format gives the same two dates', () => {
    assert.deepEqual(frontiers?.article.electronicDate, { year: 2025, month: 1, day: 21 });
    assert.deepEqual(frontiers?.article.pubDate, { year: 2025 });
  });

  test('a collection date is the issue date when there is no print date, and an elocation-id stands for pages', () => {
    assert.deepEqual(bare.article.pubDate, { year: 2025, month: 4 });
    assert.equal(bare.article.pages, '100601');
    assert.deepEqual(bare.article.journal, { title: 'Journal of Bone Oncology', isoAbbreviation: 'J Bone Oncol', issn: '2212-1374', volume: '51' });
  });
});

describe('other fields', () => {
  test("keywords are plain text; article-type is the publication type; xml:lang maps to PubMed's code", () => {
    assert.deepEqual(bare.article.keywords, ['Bone metastasis', 'Osteoclast', 'TGF-β', 'Zoledronic acid']);
    assert.deepEqual(bare.article.publicationTypes, ['research-article']);
    assert.deepEqual(nihms?.article.languages, ['eng']);
    assert.deepEqual(frontiers?.article.publicationTypes, ['review-article']);
  });

  test('an article without xml:lang is English and has no MeSH', () => {
    assert.deepEqual(frontiers?.article.languages, ['eng']);
    assert.deepEqual(frontiers?.article.mesh, []);
  });

  test('a related-article retraction link becomes a RetractionIn comment with its PMID', () => {
    const article = withMeta('<related-article related-article-type="retraction-forward" ext-link-type="pubmed" xlink:href="40100999"/>').article;
    assert.deepEqual(article.comments, [{ kind: 'RetractionIn', source: 'pubmed:40100999', pmid: '40100999' }]);
  });

  test('a related-article of a kind litwatch does not act on is dropped', () => {
    assert.deepEqual(withMeta('<related-article related-article-type="companion" ext-link-type="doi" xlink:href="10.1/x"/>').article.comments, []);
  });
});
