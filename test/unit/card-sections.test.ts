import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { displayLabel } from '../../src/card/abstract-section.ts';
import { renderCard } from '../../src/card/render-card.ts';
import type { CardInput } from '../../src/card/card-input.ts';
import { makeArticle, STRUCTURED_ABSTRACT, UNSTRUCTURED_STUDY_ABSTRACT } from '../fixtures/card/articles.ts';
import { sectionBody } from '../helpers/card-sections.ts';

const SEED_CARD = new URL('../../../shared/format/seed-card.md', import.meta.url);

/** The lines that give a card its shape: section headings, the rule and the Source line. */
function skeleton(card: string): string[] {
  return card
    .split('\n')
    .filter((line) => line.startsWith('## ') || line === '---' || line.startsWith('Source:'))
    .map((line) => (line.startsWith('Source:') ? 'Source:' : line));
}

function card(input: Partial<CardInput> = {}): string {
  return renderCard({ article: makeArticle(), ...input });
}

describe('the summary sections', () => {
  test('quote the TL;DR, the contribution and the findings as a list', () => {
    const text = card({ article: makeArticle({ abstract: UNSTRUCTURED_STUDY_ABSTRACT }) });
    assert.equal(sectionBody(text, 'TL;DR'), 'These findings suggest that acute sleep loss impairs glucose control.');
    assert.match(sectionBody(text, 'Contribution'), /^Here we investigated whether/);
    assert.equal(
      sectionBody(text, 'Key findings'),
      '- Insulin sensitivity was reduced by 23% after deprivation (P<0.001).\n- Hepatic glucose output increased approx. 1.5-fold.\n\n_Summary sentences quoted from the abstract._',
    );
  });

  test('name the model when a summariser wrote the summary', () => {
    const text = card({ summary: { tldr: 'A short line.', findings: ['One finding.'], method: 'model', model: 'llama-3.1-8b' } });
    assert.equal(sectionBody(text, 'TL;DR'), 'A short line.');
    assert.equal(
      sectionBody(text, 'Key findings'),
      '- One finding.\n\n_Summary written by llama-3.1-8b from the abstract: check it against the abstract below._',
    );
  });

  test('say "Not stated in the abstract" when no sentence fits', () => {
    const text = card({ article: makeArticle({ abstract: [{ text: 'Mice were kept. Cages were cleaned.' }] }) });
    assert.equal(sectionBody(text, 'Contribution'), '_Not stated in the abstract._');
    assert.equal(sectionBody(text, 'Key findings'), '_Not stated in the abstract._\n\n_Summary sentences quoted from the abstract._');
  });

  test('say "No abstract available" when there is no abstract', () => {
    const text = card({ article: makeArticle({ abstract: [{ text: '  ' }] }) });
    for (const heading of ['TL;DR', 'Contribution', 'Key findings', 'Abstract']) {
      assert.equal(sectionBody(text, heading), '_No abstract available._', heading);
    }
  });
});

describe('the abstract section', () => {
  test('writes each structured part as its own paragraph with a title-cased label', () => {
    const body = sectionBody(card({ article: makeArticle({ abstract: STRUCTURED_ABSTRACT }) }), 'Abstract');
    const paragraphs = body.split('\n\n');
    assert.equal(paragraphs.length, STRUCTURED_ABSTRACT.length);
    assert.equal(paragraphs[0], '**Background:** Acute kidney injury (AKI) is common after cardiac surgery. Overall, its burden is poorly described.');
    assert.deepEqual(
      paragraphs.map((p) => p.match(/^\*\*(.+?):\*\*/)?.[1]),
      ['Background', 'Methods', 'Results', 'Conclusions', 'Trial Registration'],
    );
  });

  test('keeps inline markup in the part text', () => {
    const body = sectionBody(card({ article: makeArticle({ abstract: STRUCTURED_ABSTRACT }) }), 'Abstract');
    assert.match(body, /Serum Ca<sup>2\+<\/sup> levels did not differ \(P = 0\.41\)\./);
  });

  test('writes an unlabelled part as a plain paragraph', () => {
    const body = sectionBody(card({ article: makeArticle({ abstract: UNSTRUCTURED_STUDY_ABSTRACT }) }), 'Abstract');
    assert.equal(body, UNSTRUCTURED_STUDY_ABSTRACT[0]!.text);
  });

  test('title-cases all-caps labels and keeps mixed-case ones as written', () => {
    assert.equal(displayLabel('BACKGROUND'), 'Background');
    assert.equal(displayLabel('MATERIALS AND METHODS'), 'Materials and Methods');
    assert.equal(displayLabel('AIMS/HYPOTHESIS'), 'Aims/Hypothesis');
    assert.equal(displayLabel('Methods and results'), 'Methods and results');
    assert.equal(displayLabel('mRNA findings'), 'mRNA findings');
  });
});

describe('the enrichment sections before enrichment', () => {
  test('say there are no entity annotations yet', () => {
    const text = card();
    assert.equal(sectionBody(text, 'Linked entities'), '_No entity annotations yet._');
    assert.equal(sectionBody(text, 'Full-text entities'), '_No entity annotations yet._');
  });

  test('say "Not open access" for full text, figures and references without a PMCID', () => {
    const text = card();
    for (const heading of ['Full text', 'Figures', 'References']) {
      assert.equal(sectionBody(text, heading), '_Not open access: no full text in PMC._', heading);
    }
  });

  test('point to the PMC article and say counts are not available yet with a PMCID', () => {
    const text = card({ article: makeArticle({ pmcid: 'PMC12877326' }) });
    const url = 'https://pmc.ncbi.nlm.nih.gov/articles/PMC12877326/';
    assert.equal(sectionBody(text, 'Full text'), `_Full text not fetched yet._ Read the complete paper in PMC: ${url}`);
    assert.equal(sectionBody(text, 'Figures'), `_Figure count not available yet._ Figures with captions in the complete paper: ${url}`);
    assert.equal(sectionBody(text, 'References'), `_Reference count not available yet._ Full list in the complete paper: ${url}`);
  });
});

describe('the footer', () => {
  test('ends a PubMed card with the rule and the PubMed Source URL', () => {
    assert.match(card({ article: makeArticle({ pmid: '41234567' }) }), /\n\n---\nSource: https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/41234567\/\n$/);
  });

  test('ends a PMC card with the PMC Source URL', () => {
    assert.match(card({ article: makeArticle({ pmcid: 'PMC123' }) }), /\n---\nSource: https:\/\/pmc\.ncbi\.nlm\.nih\.gov\/articles\/PMC123\/\n$/);
  });

  test('adds a Matched line after the Source line when watches are named', () => {
    assert.match(card({ matched: ['bone metastasis', 'AKI'] }), /\nSource: \S+\n\nMatched: bone metastasis, AKI\n$/);
  });

  test('has no Matched line when no watch is named', () => {
    assert.doesNotMatch(card({ matched: [] }), /Matched:/);
    assert.doesNotMatch(card(), /Matched:/);
  });
});

describe('the whole card', () => {
  const text = card({ article: makeArticle({ abstract: STRUCTURED_ABSTRACT, pmcid: 'PMC123' }), matched: ['aki'] });

  test('opens with the title, authors and source line, each its own paragraph', () => {
    assert.deepEqual(text.split('\n').slice(0, 5), [
      '# An example article',
      '',
      '**Authors:** Ada Lovelace',
      '',
      'PMC · DOI: 10.1000/Example.2024.001 · Journal of Examples · 2024-03-09',
    ]);
  });

  test("has CARD.md's sections in order with their exact headings, then the rule and Source", () => {
    assert.deepEqual(skeleton(text), [
      '## TL;DR',
      '## Contribution',
      '## Key findings',
      '## Abstract',
      '## Linked entities',
      '## Full-text entities',
      '## Full text',
      '## Figures',
      '## References',
      '---',
      'Source:',
    ]);
  });

  test('has the same heading sequence as the seed card', { skip: !existsSync(SEED_CARD) && 'no seed card' }, () => {
    assert.deepEqual(skeleton(text), skeleton(readFileSync(SEED_CARD, 'utf8')));
  });

  test('separates blocks by exactly one blank line and ends with one newline', () => {
    assert.doesNotMatch(text, /\n\n\n/);
    assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'));
  });
});
