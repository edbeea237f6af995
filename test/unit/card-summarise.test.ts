import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { AbstractPart } from '../../src/parse/article.ts';
import { summarise, type CardSummary } from '../../src/card/summarise.ts';
import { makeArticle, REVIEW_ABSTRACT, STRUCTURED_ABSTRACT, UNSTRUCTURED_STUDY_ABSTRACT } from '../fixtures/card/articles.ts';

function summaryOf(abstract: AbstractPart[]): CardSummary {
  return summarise(makeArticle({ abstract }));
}

/** Extractive means quoted: every output string must appear in one abstract part. */
function assertQuoted(summary: CardSummary, abstract: AbstractPart[]): void {
  const quotes = [summary.tldr, summary.contribution, ...summary.findings].filter((q) => q !== undefined);
  for (const quote of quotes) {
    assert.ok(
      abstract.some((part) => part.text.includes(quote)),
      `not in the abstract: ${quote}`,
    );
  }
}

describe('summarise on a structured abstract', () => {
  const summary = summaryOf(STRUCTURED_ABSTRACT);

  test('the TL;DR is the first sentence of the CONCLUSIONS part', () => {
    assert.equal(summary.tldr, 'AKI after cardiac surgery is frequent and linked to death.');
  });

  test('findings come from the RESULTS part, outcome sentences before sample counts', () => {
    assert.deepEqual(summary.findings, [
      'AKI occurred in 301 patients (25.0%), and was associated with higher 1-year mortality (HR 2.1; P<0.001).',
      'Median length of stay was 9 days vs. 6 days.',
      'Serum Ca<sup>2+</sup> levels did not differ (P = 0.41).',
    ]);
  });

  test('"Overall," in a background part is not taken for a conclusion', () => {
    const withoutConclusions = STRUCTURED_ABSTRACT.filter((part) => part.label !== 'CONCLUSIONS');
    assert.notEqual(summaryOf(withoutConclusions).tldr, 'Overall, its burden is poorly described.');
  });

  test('the contribution is not stated when there is no aim part or aim sentence', () => {
    assert.equal(summary.contribution, undefined);
  });

  test('an OBJECTIVE part gives the contribution, at most two sentences of it', () => {
    const objective: AbstractPart = {
      label: 'OBJECTIVE',
      nlmCategory: 'OBJECTIVE',
      text: 'To measure AKI after surgery. To relate it to death. To count costs.',
    };
    const withAim = [STRUCTURED_ABSTRACT[0]!, objective, ...STRUCTURED_ABSTRACT.slice(1)];
    assert.equal(summaryOf(withAim).contribution, 'To measure AKI after surgery. To relate it to death.');
  });

  test('a part labelled in mixed case without an NLM category is classified by its label', () => {
    const parts: AbstractPart[] = [
      { label: 'Aims', text: 'We aimed to test X.' },
      { label: 'Interpretation', text: 'X works. It is cheap.' },
    ];
    const mixed = summaryOf(parts);
    assert.equal(mixed.contribution, 'We aimed to test X.');
    assert.equal(mixed.tldr, 'X works.');
  });

  test('a registration part is never quoted, not even as the last sentence', () => {
    const parts = STRUCTURED_ABSTRACT.filter((part) => part.label !== 'CONCLUSIONS');
    assert.equal(summaryOf(parts).tldr, 'Serum Ca<sup>2+</sup> levels did not differ (P = 0.41).');
  });

  test('every output sentence is quoted from the abstract', () => {
    assertQuoted(summary, STRUCTURED_ABSTRACT);
  });
});

describe('summarise on an unstructured review abstract modelled on the seed card', () => {
  const summary = summaryOf(REVIEW_ABSTRACT);

  test('the contribution is the "This review systematically explores…" sentence', () => {
    assert.match(summary.contribution ?? '', /^This review systematically explores the molecular drivers of BoMet progression/);
  });

  test('without a conclusion cue the TL;DR is the last sentence', () => {
    assert.equal(
      summary.tldr,
      'As fundamental research continues to advance toward clinical translation, the outlook for patients with BoMet is expected to improve significantly.',
    );
  });

  test('background figures before the stated aim are not reported as findings', () => {
    assert.deepEqual(summary.findings, []);
  });

  test('every output sentence is quoted from the abstract', () => {
    assertQuoted(summary, REVIEW_ABSTRACT);
  });
});

describe('summarise on an unstructured study abstract', () => {
  const summary = summaryOf(UNSTRUCTURED_STUDY_ABSTRACT);

  test('the TL;DR is the first sentence opening with a conclusion cue', () => {
    assert.equal(summary.tldr, 'These findings suggest that acute sleep loss impairs glucose control.');
  });

  test('the contribution is the "Here we investigated…" sentence, markup kept', () => {
    assert.equal(summary.contribution, 'Here we investigated whether one night of sleep deprivation alters insulin sensitivity in *Mus musculus*.');
  });

  test('findings are the cued result sentences in abstract order, not the TL;DR', () => {
    assert.deepEqual(summary.findings, [
      'Insulin sensitivity was reduced by 23% after deprivation (P<0.001).',
      'Hepatic glucose output increased approx. 1.5-fold.',
    ]);
  });

  test('two neighbouring aim sentences make a two-sentence contribution', () => {
    const parts: AbstractPart[] = [{ text: 'We examined X in mice. We also evaluated Y levels. X rose by 5%.' }];
    assert.equal(summaryOf(parts).contribution, 'We examined X in mice. We also evaluated Y levels.');
  });

  test('every output sentence is quoted from the abstract', () => {
    assertQuoted(summary, UNSTRUCTURED_STUDY_ABSTRACT);
  });
});

describe('summarise on short and missing abstracts', () => {
  test('a single-sentence abstract gives that sentence as the TL;DR and nothing else', () => {
    const parts: AbstractPart[] = [{ text: 'Drug X significantly reduced mortality in 300 patients.' }];
    assert.deepEqual(summaryOf(parts), {
      tldr: 'Drug X significantly reduced mortality in 300 patients.',
      contribution: undefined,
      findings: [],
      method: 'extractive',
    });
  });

  test('no abstract gives an empty extractive summary', () => {
    assert.deepEqual(summaryOf([]), { tldr: undefined, contribution: undefined, findings: [], method: 'extractive' });
  });

  test('whitespace from the XML is collapsed before quoting', () => {
    const parts: AbstractPart[] = [{ text: 'In conclusion,\n    X works.\n' }];
    assert.equal(summaryOf(parts).tldr, 'In conclusion, X works.');
  });
});
