import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { boundedAbstract, boundedArticle, boundedCardInput, CARD_CAPS } from '../../src/card/bounded-card.ts';
import { renderCard } from '../../src/card/render-card.ts';
import { assembleDigest, type DigestCandidate, type EntryFor } from '../../src/digest/assemble-digest.ts';
import { digestEntryView, ENTRY_CAPS } from '../../src/digest/entry-view.ts';
import type { WorkEntities } from '../../src/entities/entity-types.ts';
import { cardInlineToHtml } from '../../src/mail/render-inline.ts';
import { renderDigestEntry } from '../../src/mail/render-digest-entry.ts';
import { codePointLength, cutInline, cutMark, cutText } from '../../src/text/cut-text.ts';
import { makeArticle } from '../fixtures/card/articles.ts';

/** A lone surrogate anywhere in a string: what a cut through a pair would leave. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('cutting text to a shown size', () => {
  test('text within the cap is returned as it is, the same string', () => {
    const text = 'Denosumab and skeletal events';
    assert.equal(cutText(text, text.length), text);
    assert.equal(cutInline(text, 1000), text);
  });

  test('a longer text keeps its first characters and ends with a mark saying how many are not shown', () => {
    assert.equal(cutText('abcdefghij', 4), `abcd${cutMark(6)}`);
    assert.equal(cutMark(4_998_000), '… [cut: 4,998,000 more characters]');
    assert.equal(cutText('ab cd', 3), 'ab… [cut: 2 more characters]', 'no space before the ellipsis');
  });

  test('characters are counted as code points: a surrogate pair is one character and is never split', () => {
    const bones = '🦴'.repeat(10); // each U+1F9B4 is two UTF-16 units
    const cut = cutText(bones, 3);
    assert.ok(cut.startsWith('🦴🦴🦴…'));
    assert.match(cut, /\[cut: 7 more characters\]$/);
    assert.doesNotMatch(cut, LONE_SURROGATE);
    // A cap that would fall inside a pair if counted in UTF-16 units.
    for (let max = 1; max < 12; max++) assert.doesNotMatch(cutText(`a${bones}`, max), LONE_SURROGATE, `max ${max}`);
    assert.equal(codePointLength(bones), 10);
    assert.equal(cutText(bones, 10), bones, 'ten characters fit a cap of ten, although they are twenty units');
  });

  test('inline text is never cut through a tag or an escape, and a superscript the cut went into is closed', () => {
    assert.equal(cutInline('Ca<sup>2+ signalling</sup> in bone', 12), `Ca<sup>2+ si</sup>${cutMark(22)}`);
    assert.equal(cutInline('Ca<sup>2+</sup>', 5), `Ca${cutMark(13)}`, 'half a <sup> goes whole');
    assert.equal(cutInline('P &lt;script&gt;', 4), `P${cutMark(14)}`, 'half an &lt; goes whole');
    assert.equal(cardInlineToHtml(cutInline('Ca<sup>2+ signalling</sup> in bone', 12)), `Ca<sup>2+ si</sup>${cutMark(22)}`);
  });

  test('the mark counts the characters cut after the text too (the later parts of an abstract)', () => {
    assert.equal(cutText('abcdef', 3, 100), `abc${cutMark(103)}`);
    assert.equal(cutText('abc', 3, 100), `abc${cutMark(100)}`);
  });
});

describe('the bounded view of a record', () => {
  test('a real-sized record is returned as it is: nothing cut, the same objects', () => {
    const article = makeArticle({ authors: Array.from({ length: 300 }, (_, i) => ({ lastName: `Author${i}`, initials: 'A' })) });
    assert.equal(boundedArticle(article), article);
    const input = { article };
    assert.equal(boundedCardInput(input), input);
  });

  test('a 5 MB title is cut to the cap with its mark; the stored article is not touched', () => {
    const title = 'Osteolysis '.repeat(500_000);
    const article = makeArticle({ title });
    const bounded = boundedArticle(article);
    assert.equal(article.title, title);
    assert.ok(bounded.title.length < CARD_CAPS.titleChars + 60);
    assert.match(bounded.title, /… \[cut: 5,498,\d{3} more characters\]$/);
    assert.ok(bounded.title.startsWith('Osteolysis Osteolysis'));
  });

  test('an abstract keeps its parts until its characters are spent; the part that crosses is cut and the mark counts the rest', () => {
    const parts = [
      { label: 'BACKGROUND', text: 'a'.repeat(60) },
      { label: 'METHODS', text: 'b'.repeat(60) },
      { label: 'RESULTS', text: 'c'.repeat(60) },
    ];
    const bounded = boundedAbstract(parts, 100);
    assert.equal(bounded.length, 2);
    assert.equal(bounded[0], parts[0]);
    assert.equal(bounded[1]!.label, 'METHODS');
    assert.equal(bounded[1]!.text, `${'b'.repeat(40)}${cutMark(80)}`);
    assert.equal(boundedAbstract(parts, 180), parts, 'an abstract within the cap is the same array');
  });

  test('past the author cap the list ends with how many more there are, and the card prints it', () => {
    const authors = Array.from({ length: 5_154 }, (_, i) => ({ foreName: 'Ada', lastName: `Collaborator${i}` }));
    const card = renderCard(boundedCardInput({ article: makeArticle({ authors }) }));
    const line = card.split('\n').find((l) => l.startsWith('**Authors:**'))!;
    assert.ok(line.includes('Ada Collaborator999, … [cut: 4,154 more authors]'), line.slice(-120));
    assert.ok(!line.includes('Collaborator1000'));
  });

  test('entity lists are cut past their cap with a mark on the card, and each name is cut', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'Gene' as const, id: String(i), mention: `GENE${i}` }));
    const entities: WorkEntities = {
      source: 'pubtator',
      scope: 'fulltext',
      diseases: [{ type: 'Disease', id: 'MESH:D001859', mention: 'x'.repeat(10_000) }],
      chemicals: [],
      genes: many(CARD_CAPS.entitiesPerList + 50),
      species: [],
      linkedDiseases: [],
      annotatedAt: 0,
    };
    const bounded = boundedCardInput({ article: makeArticle(), entities });
    assert.equal(bounded.entities!.genes.length, CARD_CAPS.entitiesPerList);
    assert.equal(entities.genes.length, CARD_CAPS.entitiesPerList + 50, 'the stored entities are untouched');
    const card = renderCard(bounded);
    assert.match(card, /GENE199 \(NCBI Gene:199\), … \[cut: 50 more entities\]/);
    assert.match(card, /x{300}… \[cut: 9,700 more characters\] \(MESH:D001859\)/);
  });
});

describe('a digest entry and a digest within their sizes', () => {
  test("an entry's TL;DR and chips have their own caps", () => {
    const sentence = `${'Bone '.repeat(400)}metastasis.`;
    const view = digestEntryView(
      {
        article: makeArticle(),
        summary: { tldr: sentence, findings: [], method: 'model' },
        entities: {
          source: 'local',
          scope: 'abstract',
          diseases: [{ type: 'Disease', id: 'MESH:D1', mention: 'y'.repeat(1000) }],
          chemicals: [],
          genes: [],
          species: [],
          linkedDiseases: [],
          annotatedAt: 0,
        },
      },
      'https://litwatch.example/works/1',
      'Bone',
    );
    assert.ok(view.tldr!.length < ENTRY_CAPS.tldrChars + 60 && view.tldr!.endsWith('more characters]'));
    assert.ok(view.chips[0]!.length < ENTRY_CAPS.chipChars + 60 && view.chips[0]!.endsWith('more characters]'));
  });

  test('entries are added newest first until the budget is spent; the rest are behind the link, counted as left for size', () => {
    const candidates: DigestCandidate[] = [1, 2, 3, 4, 5].map((day) => ({
      key: `w${day}`,
      watches: ['bone'],
      firstSeen: day,
      card: { article: makeArticle({ pmid: String(day), title: `Work ${day}`, electronicDate: { year: 2026, month: 11, day } }) },
    }));
    const entryFor: EntryFor = (c) => digestEntryView(c.card, `https://litwatch.example/works/${c.key}`, 'Bone');
    const sizeOf = (entry: ReturnType<EntryFor>) => {
      const parts = renderDigestEntry(entry);
      return Buffer.byteLength(parts.html) + Buffer.byteLength(parts.text);
    };
    const one = sizeOf(entryFor(candidates[0]!, 'bone'));
    const subscriber = { watches: ['bone'], filters: {} };
    const assembled = assembleDigest(subscriber, candidates, new Set(), new Map(), 50, entryFor, { maxBytes: one * 2.5, sizeOf });
    assert.equal(assembled.workKeys.length, 5, 'every work is delivered');
    assert.equal(assembled.shown, 2);
    assert.deepEqual(
      assembled.entryBytes!.map((e) => e.key),
      ['w5', 'w4'],
    );
    assert.equal(assembled.leftForSize, 3);
    const omitted = assembleDigest(subscriber, candidates, new Set(), new Map(), 50, entryFor, { maxBytes: one * 2.5, sizeOf, omit: new Set(['w5']) });
    assert.deepEqual(
      omitted.entryBytes!.map((e) => e.key),
      ['w4', 'w3'],
      'an omitted work has no entry; the next ones take its place',
    );
  });
});
