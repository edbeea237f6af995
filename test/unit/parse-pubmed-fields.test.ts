import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Article, PubmedArticle } from '../../src/parse/article.ts';
import { parsePubmedXml } from '../../src/parse/pubmed-stream.ts';
import { pubmedArticleSetXml, pubmedArticleXml } from '../helpers/pubmed-xml.ts';

/** The articles of one hand-written fixture, by PMID; a skipped record fails the test. */
function articles(name: string): Map<string, Article> {
  const xml = readFileSync(new URL(`../fixtures/pubmed/${name}`, import.meta.url), 'utf8');
  const records = parsePubmedXml(xml, { onRecordError: (error) => assert.fail(error) });
  return new Map(records.filter((r): r is PubmedArticle => r.kind !== 'deleted').map((a) => [a.pmid, a]));
}

function article(name: string, pmid: string): Article {
  const found = articles(name).get(pmid);
  assert.ok(found, `PMID ${pmid} in ${name}`);
  return found;
}

describe('the article DOI', () => {
  test('comes from PubmedData/ArticleIdList when only that has it', () => {
    assert.equal(article('doi-sources.xml', '40100001').doi, '10.1016/j.jbo.2025.100612');
  });

  test('comes from Article/ELocationID when only that has it', () => {
    assert.equal(article('doi-sources.xml', '40100002').doi, '10.3390/cancers17040655');
  });

  test('comes from ArticleIdList when both have it, as the record writes it', () => {
    assert.equal(article('doi-sources.xml', '40100003').doi, '10.1016/j.bone.2024.117321');
  });

  test('is absent when the record has none (an ELocationID marked invalid does not count)', () => {
    assert.equal(article('doi-sources.xml', '40100004').doi, undefined);
  });

  test('is never taken from the ReferenceList or from cited works', () => {
    const records = articles('reference-dois.xml');
    assert.equal(records.get('40100011')?.doi, '10.1016/j.jbo.2025.100640');
    assert.equal(records.get('40100012')?.doi, undefined);
    assert.equal(records.get('40100011')?.pmcid, 'PMC11950011');
  });
});

describe('the PMCID', () => {
  test('is the pmc ArticleId, not the NIHMS manuscript id', () => {
    assert.equal(article('doi-sources.xml', '40100003').pmcid, 'PMC11900003');
  });

  test('gets the PMC prefix when the record gives bare digits', () => {
    assert.equal(article('doi-sources.xml', '40100004').pmcid, 'PMC4012345');
  });
});

describe('titles and abstracts', () => {
  test('"P<0.001" and "Ca<sup>2+</sup>" survive whole in the title', () => {
    assert.equal(
      article('inline-markup.xml', '40100021').title,
      'Denosumab reduced skeletal-related events (P<0.001) and serum Ca<sup>2+</sup> in *BRCA1*-mutated breast cancer bone metastases.',
    );
  });

  test('a structured abstract keeps its parts, labels and NLM categories in order', () => {
    const { abstract } = article('inline-markup.xml', '40100021');
    assert.deepEqual(
      abstract.map((p) => [p.label, p.nlmCategory]),
      [
        ['BACKGROUND', 'BACKGROUND'],
        ['METHODS', 'METHODS'],
        ['RESULTS', 'RESULTS'],
        ['CONCLUSIONS', 'CONCLUSIONS'],
      ],
    );
    assert.equal(
      abstract[0]?.text,
      'RANKL drives osteoclast activation *in vivo* and *in vitro* ; bold claims and underlined caveats aside, its role in *BRCA1*-mutated disease is unclear.',
    );
    assert.match(abstract[1]?.text ?? '', /25 μg of <sup>223<\/sup>Ra-dichloride .* CD8<sup>\+<\/sup> T cells >10% and pO<sub>2<\/sub> recorded/);
    assert.equal(
      abstract[2]?.text,
      'Skeletal-related events fell (HR < 0.8; P<0.001); lesions <5 mm responded; serum Ca<sup>2+</sup> normalised in 82% of patients at Centre François Baclesse & Università di Pisa; 𝛽-catenin was unchanged.',
    );
  });

  test('OtherAbstract is ignored', () => {
    const text = article('inline-markup.xml', '40100021')
      .abstract.map((p) => p.text)
      .join(' ');
    assert.doesNotMatch(text, /Resumen/);
  });

  test('a title that mentions <script> comes out with the tag opener escaped', () => {
    assert.equal(
      article('inline-markup.xml', '40100022').title,
      'Cross-site scripting (&lt;script>alert(1)&lt;/script>) in a bone metastasis registry web portal.',
    );
  });

  test('MathML is reduced to its text', () => {
    assert.equal(
      article('inline-markup.xml', '40100022').abstract[0]?.text,
      'The tracer half-life t1/2 was 11.4 days; a dose\u2009rate of 55 kBq/kg was used.',
    );
  });

  test('a translated title keeps its brackets and the original-language title comes alongside', () => {
    const translated = article('inline-markup.xml', '40100023');
    assert.equal(translated.title, '[Bone metastases of *unknown* primary: diagnostic work-up].');
    assert.equal(translated.vernacularTitle, 'Knochenmetastasen bei *unbekanntem* Primärtumor: diagnostisches Vorgehen.');
  });

  test('an empty ArticleTitle falls back to the original-language title', () => {
    assert.equal(article('inline-markup.xml', '40100024').title, 'Métastases osseuses révélatrices d’un cancer thyroïdien.');
  });
});

describe('authors', () => {
  const { authors } = article('authors.xml', '40100031');

  test('personal authors carry names, ORCID as a bare id and equal contribution', () => {
    assert.deepEqual(authors[0], {
      lastName: 'Nakamura',
      foreName: 'Haruto',
      initials: 'H',
      orcid: '0000-0002-1825-0097',
      equalContrib: true,
    });
    assert.deepEqual(authors[1], {
      lastName: "O'Brien",
      foreName: 'Siobhán',
      initials: 'S',
      orcid: '0000-0001-5109-370X',
      equalContrib: true,
    });
  });

  test('an author with initials only has no fore name', () => {
    assert.deepEqual(authors[2], { lastName: 'van der Berg', initials: 'PJ' });
  });

  test('a suffix is kept and a non-ORCID identifier is not taken for one', () => {
    assert.deepEqual(authors[3], { lastName: 'Carter', foreName: 'William H', initials: 'WH', suffix: 'Jr' });
  });

  test('a collective name comes as written, in plain text', () => {
    assert.deepEqual(authors[4], { collectiveName: 'SPINE-MET Investigators & the Bone Metastasis Study Group' });
  });

  test('authors marked ValidYN="N" and investigators are left out', () => {
    assert.equal(authors.length, 5);
    assert.ok(!authors.some((a) => a.lastName === 'Smyth' || a.lastName === 'Adeyemi'));
  });

  test('a record without an AuthorList has no authors', () => {
    assert.deepEqual(article('authors.xml', '40100032').authors, []);
  });
});

describe('journal and dates', () => {
  test('the journal, pages, status and both dates are read', () => {
    const a = article('pub-dates.xml', '40100041');
    assert.deepEqual(a.journal, { title: 'Journal of bone oncology', isoAbbreviation: 'J Bone Oncol', issn: '2212-1374', volume: '1' });
    assert.deepEqual(a.electronicDate, { year: 2024, month: 12, day: 30 });
    assert.deepEqual(a.pubDate, { year: 2025, month: 3, day: 15 });
    assert.equal(a.status, 'MEDLINE');
    assert.equal(article('doi-sources.xml', '40100004').pages, '201-9');
  });

  test('a season gives the month it starts in', () => {
    const dates = articles('pub-dates.xml');
    assert.deepEqual(dates.get('40100042')?.pubDate, { year: 2019, month: 3 });
    assert.deepEqual(dates.get('40100043')?.pubDate, { year: 2020, month: 12 });
    assert.deepEqual(dates.get('40100044')?.pubDate, { year: 2013, month: 1 });
  });

  test('a MedlineDate is mapped and also kept raw', () => {
    const dates = articles('pub-dates.xml');
    const got = ['40100045', '40100046', '40100047', '40100048'].map((p) => [dates.get(p)?.pubDate, dates.get(p)?.medlineDate]);
    assert.deepEqual(got, [
      [{ year: 2024, month: 1 }, '2024 Jan-Feb'],
      [{ year: 1998, month: 12 }, '1998 Dec-1999 Jan'],
      [{ year: 2000, month: 3 }, '2000 Spring-Summer'],
      [{ year: 2019 }, '2019'],
    ]);
  });
});

describe('subject terms', () => {
  const a = article('subject-terms.xml', '40100051');

  test('keywords come from every KeywordList, in plain text, each once', () => {
    assert.deepEqual(a.keywords, ['bone metastasis', 'cathepsin K', 'Ctsk knockout', 'osteolysis']);
  });

  test('a MeSH heading is a major topic when its descriptor or any qualifier is', () => {
    assert.deepEqual(
      a.mesh.map((h) => [h.ui, h.name, h.majorTopic]),
      [
        ['D000818', 'Animals', false],
        ['D001859', 'Bone Neoplasms', true],
        ['D054718', 'Cathepsin K', true],
        ['D010014', 'Osteolysis', false],
      ],
    );
    assert.deepEqual(a.mesh[2]?.qualifiers, [{ ui: 'Q000037', name: 'antagonists & inhibitors', majorTopic: true }]);
  });

  test('publication types and languages are listed', () => {
    assert.deepEqual(a.publicationTypes, ['Journal Article', "Research Support, Non-U.S. Gov't"]);
    assert.deepEqual(a.languages, ['eng']);
  });
});

describe('comments and corrections', () => {
  const records = articles('corrections.xml');

  test('errata, retractions, updates and comments are kept with source and PMID; Cites is dropped', () => {
    assert.deepEqual(
      records.get('40100061')?.comments.map((c) => [c.kind, c.pmid]),
      [
        ['ErratumIn', '40100062'],
        ['RetractionIn', '40100063'],
        ['UpdateOf', '38464301'],
        ['CommentIn', undefined],
      ],
    );
    assert.equal(records.get('40100061')?.comments[0]?.source, 'Oncogene. 2025 Mar;44(9):655. doi: 10.1038/s41388-025-03300-2.');
  });

  test('the notices point back at the article', () => {
    assert.deepEqual(
      records.get('40100062')?.comments.map((c) => [c.kind, c.pmid]),
      [['ErratumFor', '40100061']],
    );
    assert.deepEqual(
      records.get('40100063')?.comments.map((c) => [c.kind, c.pmid]),
      [['RetractionOf', '40100061']],
    );
  });

  test('a republished article points back at the retracted or corrected one, and that one forward', () => {
    const comments = [
      { refType: 'RetractedandRepublishedFrom', pmid: '40100071' },
      { refType: 'CorrectedandRepublishedFrom', pmid: '40100072' },
      { refType: 'RetractedandRepublishedIn', pmid: '40100073' },
      { refType: 'CorrectedandRepublishedIn', pmid: '40100074' },
    ];
    const [record] = parsePubmedXml(pubmedArticleSetXml([pubmedArticleXml({ pmid: '40100070', title: 'Republished', comments })]), {
      onRecordError: (error) => assert.fail(error),
    });
    assert.ok(record && record.kind !== 'deleted');
    assert.deepEqual(
      record.comments.map((c) => [c.kind, c.pmid]),
      comments.map((c) => [c.refType, c.pmid]),
    );
  });
});

describe('book records', () => {
  const books = articles('book-chapter.xml');

  test('a chapter takes its own title and authors, and the book title as its source', () => {
    const chapter = books.get('40100071');
    assert.equal(chapter?.kind, 'book');
    assert.equal(chapter?.title, 'Bone Metastasis<sup>*</sup> and Hypercalcemia');
    assert.equal(chapter?.journal.title, 'StatPearls');
    assert.deepEqual(
      chapter?.authors.map((a) => a.lastName),
      ['Fernandes', 'Ibrahim'],
    );
    assert.deepEqual(chapter?.pubDate, { year: 2025, month: 1 });
    assert.equal(chapter?.abstract[0]?.text, 'Bone is the third most common site of metastasis, after the lung and liver.');
  });

  test('a whole book takes the book title, lists its editors when it names no authors, and has its DOI', () => {
    const book = books.get('40100072');
    assert.equal(book?.title, 'PDQ Cancer Information Summaries');
    assert.deepEqual(book?.authors, [{ collectiveName: 'PDQ Supportive and Palliative Care Editorial Board' }]);
    assert.equal(book?.doi, '10.32388/PDQ.2002');
    assert.deepEqual(book?.pubDate, { year: 2002 });
  });
});
