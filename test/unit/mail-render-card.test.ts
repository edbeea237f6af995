import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderCard } from '../../src/card/render-card.ts';
import { cardHtml } from '../../src/mail/card-html.ts';
import { cardText } from '../../src/mail/card-text.ts';
import { cardParts } from '../../src/mail/render-card-parts.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { HOSTILE_CARD, PLAIN_CARD, REVIEW_CARD } from '../fixtures/mail/digest.ts';

const PMC_URL = 'https://pmc.ncbi.nlm.nih.gov/articles/PMC12877326/';

/** The Markdown card's section headings, in order: the reference every format follows. */
function markdownHeadings(markdown: string): string[] {
  return [...markdown.matchAll(/^## (.+)$/gm)].map((m) => m[1]!);
}

function inOrder(haystack: string, needles: readonly string[]): boolean {
  let at = 0;
  for (const needle of needles) {
    at = haystack.indexOf(needle, at);
    if (at === -1) return false;
    at += needle.length;
  }
  return true;
}

describe('the HTML card', () => {
  const html = cardHtml(REVIEW_CARD);

  test('has every section of the Markdown card, in the same order', () => {
    const headings = markdownHeadings(renderCard(REVIEW_CARD));
    assert.equal(headings.length, 9);
    assert.ok(
      inOrder(
        html,
        headings.map((h) => `>${h}</h5>`),
      ),
      'section headings in order',
    );
  });

  test('links the title to the Source URL, with the stylesheet inlined on it', () => {
    assert.match(
      html,
      /<h4 class="card-title" style="[^"]+"><a class="card-title-link" href="https:\/\/pmc\.ncbi\.nlm\.nih\.gov\/articles\/PMC12877326\/" style="[^"]+">Bone Metastasis: Molecular Mechanisms/,
    );
  });

  test('shows the header, entities, full text, figures, references, Source and Matched lines', () => {
    for (const phrase of [
      '<b>Authors:</b> Jingyuan Wen, Binghua Li',
      'PMC · DOI: 10.1002/mco2.70604 · MedComm · 2026-02-05',
      '<b>Diseases:</b> breast cancer (MONDO:0004989)',
      '<b>Genes:</b> BRCA1 (NCBI Gene:672)',
      'Homo sapiens (human, species) [taxon 9606]',
      'This figure emphasizes current understanding of bone metastasis.',
      `6 figures with captions in the complete paper: <a class="link" href="${PMC_URL}"`,
      `322 references — full list in the complete paper: <a class="link" href="${PMC_URL}"`,
      `Source: <a class="link" href="${PMC_URL}"`,
      'Matched: Bone metastasis</p>',
    ]) {
      assert.ok(html.includes(phrase), phrase);
    }
  });

  test('shows notes in italics and findings as a list', () => {
    const plain = cardHtml(PLAIN_CARD);
    assert.match(plain, /<i class="note" style="[^"]+">Not open access: no full text in PMC\.<\/i>/);
    assert.match(cardHtml(HOSTILE_CARD), /<ul class="card-list"[^>]*>\s*<li class="card-item"[^>]*>AKI occurred in 301 patients/);
  });

  test('escapes record text and keeps only the inline tags the card allows', () => {
    const hostile = cardHtml(HOSTILE_CARD);
    assert.ok(hostile.includes('&lt;script&gt;alert(1)&lt;/script&gt; and <i>BRCA1</i>'));
    assert.doesNotMatch(hostile, /<script|<b>Jones/);
    assert.ok(hostile.includes('Smith &amp; &lt;b&gt;Jones&lt;/b&gt; Group'));
    assert.ok(hostile.includes('J &quot;Quoted&quot; &amp; &lt;Odd&gt;'));
    assert.ok(hostile.includes('(HR 2.1; P&lt;0.001)'));
    assert.ok(cardHtml(PLAIN_CARD).includes('Serum Ca<sup>2+</sup> after <i>ex vivo</i> surgery'));
  });

  test('leaves the title unlinked when the record has no identifier', () => {
    const bare = cardHtml({ article: makeArticle({ pmid: undefined, doi: undefined }) });
    assert.match(bare, /<h4 class="card-title"[^>]*>An example article<\/h4>/);
    assert.match(bare, /Source: —<\/p>/);
  });
});

describe('the text card', () => {
  const text = cardText(REVIEW_CARD);

  test('has every section of the Markdown card, in the same order, each heading on its own line', () => {
    const headings = markdownHeadings(renderCard(REVIEW_CARD));
    assert.ok(
      inOrder(
        text,
        headings.map((h) => `\n\n${h}\n`),
      ),
    );
  });

  test('writes the header, entities and links out in full', () => {
    for (const phrase of [
      'Bone Metastasis: Molecular Mechanisms, Clinical Management, and Therapeutic Targets\nAuthors: Jingyuan Wen, Binghua Li\nPMC · DOI: 10.1002/mco2.70604',
      '- Diseases: breast cancer (MONDO:0004989)',
      `Read the complete paper in PMC: ${PMC_URL}`,
      `6 figures with captions in the complete paper: ${PMC_URL}`,
      `\nSource: ${PMC_URL}\nMatched: Bone metastasis\n`,
    ]) {
      assert.ok(text.includes(phrase), phrase);
    }
  });

  test('has no Markdown marks: no stars, no underscores around notes', () => {
    for (const card of [REVIEW_CARD, PLAIN_CARD, HOSTILE_CARD]) {
      const plain = cardText(card);
      assert.doesNotMatch(plain, /\*/);
      assert.doesNotMatch(plain, /(^|\s)_\S/m);
    }
    assert.ok(cardText(PLAIN_CARD).includes('Not open access: no full text in PMC.'));
  });

  test('reads inline markup out: sup as its text, an escaped tag opener as <', () => {
    assert.ok(cardText(PLAIN_CARD).startsWith('Serum Ca2+ after ex vivo surgery\n'));
    assert.ok(cardText(HOSTILE_CARD).startsWith('<script>alert(1)</script> and BRCA1\n'));
    assert.ok(cardText(HOSTILE_CARD).includes('(HR 2.1; P<0.001)'));
  });
});

describe('the card parts', () => {
  test('are the HTML and text cards of the same input', () => {
    assert.deepEqual(cardParts(REVIEW_CARD), { html: cardHtml(REVIEW_CARD), text: cardText(REVIEW_CARD) });
  });
});
