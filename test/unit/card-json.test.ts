import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cardJson } from '../../src/card/card-json.ts';
import { renderCard } from '../../src/card/render-card.ts';
import { makeArticle, UNSTRUCTURED_STUDY_ABSTRACT } from '../fixtures/card/articles.ts';

describe('cardJson', () => {
  test('describes a PMC work with its summary and the Markdown card', () => {
    const input = {
      article: makeArticle({ pmcid: 'PMC42', abstract: UNSTRUCTURED_STUDY_ABSTRACT, electronicDate: { year: 2024, month: 2 } }),
      matched: ['sleep'],
    };
    assert.deepEqual(cardJson(input), {
      pmid: '38000001',
      doi: '10.1000/Example.2024.001',
      pmcid: 'PMC42',
      title: 'An example article',
      authors: 'Ada Lovelace',
      journal: 'Journal of Examples',
      date: '2024-02',
      source: 'PMC',
      url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC42/',
      matched: ['sleep'],
      summary: {
        tldr: 'These findings suggest that acute sleep loss impairs glucose control.',
        contribution: 'Here we investigated whether one night of sleep deprivation alters insulin sensitivity in *Mus musculus*.',
        findings: ['Insulin sensitivity was reduced by 23% after deprivation (P<0.001).', 'Hepatic glucose output increased approx. 1.5-fold.'],
        method: 'extractive',
      },
      card: renderCard(input),
    });
  });

  test('uses null, not a missing key, for what a PubMed-only work lacks', () => {
    const json = cardJson({ article: makeArticle({ doi: undefined, pubDate: undefined, abstract: [] }) });
    assert.equal(json.doi, null);
    assert.equal(json.pmcid, null);
    assert.equal(json.date, null);
    assert.equal(json.source, 'PubMed');
    assert.deepEqual(json.matched, []);
    assert.deepEqual(json.summary, { tldr: null, contribution: null, findings: [], method: 'extractive' });
    assert.equal(Object.keys(JSON.parse(JSON.stringify(json))).length, 12);
  });
});
