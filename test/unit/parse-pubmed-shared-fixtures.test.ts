import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Article, PubmedArticle, PubmedRecord } from '../../src/parse/article.ts';
import { parsePubmedXml } from '../../src/parse/pubmed-stream.ts';

// Real recorded efetch responses live beside the project, not in it (see their PROVENANCE.md).
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sharedDir = path.resolve(projectRoot, '..', 'shared', 'fixtures', 'ncbi', 'pubmed-efetch');
const exists = existsSync(sharedDir);
const skip = !exists && `shared fixtures not found at ${sharedDir}`;

function parseShared(file: string): PubmedRecord[] {
  return parsePubmedXml(readFileSync(path.join(sharedDir, file), 'utf8'), { onRecordError: (error) => assert.fail(error) });
}

function shared(file: string, pmid: string): Article {
  const found = parseShared(file).find((r): r is PubmedArticle => r.kind !== 'deleted' && r.pmid === pmid);
  assert.ok(found, `PMID ${pmid} in ${file}`);
  return found;
}

describe('the recorded efetch responses', { skip }, () => {
  test('every file parses without throwing or skipping a record', () => {
    const files = readdirSync(sharedDir).filter((f) => f.endsWith('.xml'));
    assert.ok(files.length > 20);
    for (const file of files) assert.doesNotThrow(() => parseShared(file), file);
  });

  test('the empty set yields no record', () => {
    assert.deepEqual(parseShared('metapub-37909814.xml'), []);
  });

  test('PMID 39337530 gets exactly its own DOI out of 169 in the record', () => {
    const a = shared('metapub-39337530.xml', '39337530');
    assert.equal(a.doi, '10.3390/ijms251810046');
    assert.equal(a.pmcid, 'PMC11432526');
  });

  test('records without a DOI get none, including PMID 9997 as recorded in 2013', () => {
    assert.equal(shared('biopython-pubmed1.xml', '12091962').doi, undefined);
    assert.equal(shared('klortho-efetch.pubmed-2013dtd.xml', '9997').doi, undefined);
    assert.equal(shared('biopython-pubmed1.xml', '9997').doi, '10.1016/0005-2795(76)90109-4');
  });

  test('a DOI only in the ArticleIdList is found (ELocationID holds a pii)', () => {
    assert.equal(shared('metapub-23657305.xml', '23657305').doi, '10.1590/s0004-28032013000100008');
    assert.equal(shared('metapub-26568896.xml', '26568896').doi, '10.4172/2161-0525.1000239');
  });

  test('PMID 29963580 has the collective author after the personal ones, and ORCIDs', () => {
    const a = shared('biopython-pubmed7.xml', '29963580');
    assert.equal(a.authors.length, 9);
    assert.deepEqual(a.authors[8], { collectiveName: 'Canadian Respiratory Research Network' });
    assert.equal(a.authors[1]?.orcid, '0000-0002-4590-7461');
    assert.deepEqual(a.electronicDate, { year: 2018, month: 6, day: 28 });
    assert.doesNotMatch(a.abstract[0]?.text ?? '', /mml:|<mrow/);
  });

  test('PMID 26568896 keeps the Suffix and takes the PMC id, not the NIHMS one', () => {
    const a = shared('metapub-26568896.xml', '26568896');
    assert.ok(a.authors.some((au) => au.suffix === 'Sr'));
    assert.equal(a.pmcid, 'PMC4643289');
  });

  test('PMID 27797938 has italics in the title and a labelled structured abstract', () => {
    const a = shared('biopython-pubmed4.xml', '27797938');
    assert.equal(a.title, 'Leucocyte telomere length, genetic variants at the *TERT* gene region and risk of pancreatic cancer.');
    assert.deepEqual(
      a.abstract.map((p) => p.label),
      ['OBJECTIVE', 'DESIGN', 'RESULTS', 'CONCLUSIONS'],
    );
    assert.match(a.abstract[2]?.text ?? '', /p<sub>trend<\/sub>=0\.048/);
  });

  test('PMID 30108519 keeps "P < 0.001" whole next to italics and MathML', () => {
    const text = shared('biopython-pubmed6.xml', '30108519').abstract[0]?.text ?? '';
    assert.match(text, /\(\*r\* = 0\.72-0\.79; \*P\* < 0\.001\)/);
    assert.match(text, /maximal oxygen uptake \( V\.O2max \)/);
  });

  test('a Season PubDate is dated by its first month', () => {
    assert.deepEqual(shared('biopython-pubmed1.xml', '12091962').pubDate, { year: 1990, month: 3 });
    assert.deepEqual(shared('metapub-32294727.xml', '32294727').pubDate, { year: 2020, month: 1 });
  });

  test('corrections, errata and updates are linked by PMID', () => {
    assert.deepEqual(
      shared('metapub-35649368.xml', '35649368').comments.map((c) => [c.kind, c.pmid]),
      [['ErratumIn', '35767954']],
    );
    assert.deepEqual(
      shared('metapub-38833988.xml', '38833988').comments.map((c) => [c.kind, c.pmid]),
      [['ErratumFor', '33279609']],
    );
    assert.deepEqual(
      shared('metapub-36156117.xml', '36156117').comments.map((c) => [c.kind, c.pmid]),
      [['UpdateOf', '35794888']],
    );
  });

  test('a correction notice without an AuthorList has no authors', () => {
    const a = shared('metapub-38962805.xml', '38962805');
    assert.deepEqual(a.authors, []);
    assert.equal(a.title, 'Correction.');
  });

  test('PMID 38147649 marks its three equal contributors', () => {
    assert.equal(shared('metapub-38147649.xml', '38147649').authors.filter((a) => a.equalContrib).length, 3);
  });

  test('a two-language record lists both languages and its vernacular title', () => {
    const a = shared('metapub-36987902.xml', '36987902');
    assert.deepEqual(a.languages, ['eng', 'nor']);
    assert.equal(a.vernacularTitle, 'Pasienter over 75\u00a0år innlagt ved Brannskadeavdelinga, Haukeland universitetssjukehus 2000–19.');
  });

  test('a fresh In-Data-Review record has no MeSH yet', () => {
    const a = shared('biopython-pubmed5.xml', '28775130');
    assert.equal(a.status, 'In-Data-Review');
    assert.deepEqual(a.mesh, []);
  });

  test('the GeneReviews book record reads as a book with its editors and year', () => {
    const book = shared('klortho-efetch.pubmedbook-20301295.xml', '20301295');
    assert.equal(book.kind, 'book');
    assert.equal(book.title, 'GeneReviews™');
    assert.deepEqual(book.pubDate, { year: 1993 });
    assert.deepEqual(
      book.authors.map((a) => a.lastName),
      ['Pagon', 'Bird', 'Dolan', 'Stephens', 'Adam'],
    );
    assert.equal(book.doi, undefined);
  });
});
