import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { formatAuthors } from '../../src/card/card-authors.ts';
import { cardDate } from '../../src/card/card-date.ts';
import { sourceUrl } from '../../src/card/card-links.ts';
import { renderCard, sourceLine } from '../../src/card/render-card.ts';
import { makeArticle } from '../fixtures/card/articles.ts';

function lines(card: string): string[] {
  return card.split('\n');
}

describe('the title line', () => {
  test('keeps inline markup and a P<0.001 whole', () => {
    const title = 'P<0.001 in Ca<sup>2+</sup> signalling of *Danio rerio* and H<sub>2</sub>O';
    const card = renderCard({ article: makeArticle({ title }) });
    assert.equal(lines(card)[0], `# ${title}`);
  });

  test('joins a title the XML broke over lines into one heading', () => {
    const card = renderCard({ article: makeArticle({ title: 'A title\n    over two lines' }) });
    assert.equal(lines(card)[0], '# A title over two lines');
  });
});

describe('formatAuthors', () => {
  test('writes fore name then last name, in record order', () => {
    const authors = [
      { foreName: 'Jingyuan', lastName: 'Wen' },
      { foreName: 'Binghua', lastName: 'Li' },
    ];
    assert.equal(formatAuthors(authors), 'Jingyuan Wen, Binghua Li');
  });

  test('writes a collective name as written', () => {
    const authors = [{ foreName: 'Ada', lastName: 'Lovelace' }, { collectiveName: 'The COVID-19 Genomics UK (COG-UK) Consortium' }];
    assert.equal(formatAuthors(authors), 'Ada Lovelace, The COVID-19 Genomics UK (COG-UK) Consortium');
  });

  test('uses initials when there is no fore name', () => {
    assert.equal(formatAuthors([{ lastName: 'Smith', initials: 'J' }]), 'J Smith');
  });

  test('appends a suffix', () => {
    assert.equal(formatAuthors([{ foreName: 'John', lastName: 'Smith', suffix: 'Jr' }]), 'John Smith Jr');
  });

  test('escapes a tag opener in a name', () => {
    assert.equal(formatAuthors([{ collectiveName: 'Group <b>X</b>' }]), 'Group &lt;b>X&lt;/b>');
  });

  test('gives an empty string for no authors, and the card says so with a dash', () => {
    assert.equal(formatAuthors([]), '');
    assert.equal(lines(renderCard({ article: makeArticle({ authors: [] }) }))[2], '**Authors:** —');
  });
});

describe('the source line', () => {
  test('says PMC when the article has a PMCID', () => {
    assert.equal(sourceLine(makeArticle({ pmcid: 'PMC12877326' })), 'PMC · DOI: 10.1000/Example.2024.001 · Journal of Examples · 2024-03-09');
  });

  test('says PubMed without a PMCID and keeps the DOI as written, not lowercased', () => {
    assert.equal(sourceLine(makeArticle()), 'PubMed · DOI: 10.1000/Example.2024.001 · Journal of Examples · 2024-03-09');
  });

  test('shows a dash for a missing DOI', () => {
    assert.equal(sourceLine(makeArticle({ doi: undefined })), 'PubMed · DOI: — · Journal of Examples · 2024-03-09');
  });

  test('escapes a tag opener in the journal title', () => {
    assert.match(sourceLine(makeArticle({ journal: { title: 'Notes on <html>' } })), / · Notes on &lt;html> · /);
  });

  test('is the fifth line of the card', () => {
    assert.equal(lines(renderCard({ article: makeArticle() }))[4], sourceLine(makeArticle()));
  });
});

describe('cardDate', () => {
  test('writes a full date as YYYY-MM-DD', () => {
    assert.equal(cardDate(makeArticle({ pubDate: { year: 2024, month: 3, day: 9 } })), '2024-03-09');
  });

  test('writes a month-precision date as YYYY-MM', () => {
    assert.equal(cardDate(makeArticle({ pubDate: { year: 2024, month: 1 } })), '2024-01');
  });

  test('writes a year-only date as YYYY', () => {
    assert.equal(cardDate(makeArticle({ pubDate: { year: 1998 } })), '1998');
  });

  test('prefers the electronic date to the issue date', () => {
    const article = makeArticle({ electronicDate: { year: 2026, month: 2, day: 5 }, pubDate: { year: 2026, month: 3 } });
    assert.equal(cardDate(article), '2026-02-05');
  });

  test('gives a dash when the record has no date at all', () => {
    assert.equal(cardDate(makeArticle({ pubDate: undefined })), '—');
  });
});

describe('sourceUrl', () => {
  test('links the PMC article when there is a PMCID', () => {
    assert.equal(sourceUrl(makeArticle({ pmcid: 'PMC12877326' })), 'https://pmc.ncbi.nlm.nih.gov/articles/PMC12877326/');
  });

  test('links the PubMed record otherwise', () => {
    assert.equal(sourceUrl(makeArticle({ pmid: '41234567' })), 'https://pubmed.ncbi.nlm.nih.gov/41234567/');
  });
});
