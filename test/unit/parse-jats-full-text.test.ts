import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { JatsArticle } from '../../src/parse/full-text.ts';
import { parseJatsXml } from '../../src/parse/jats-stream.ts';

function parseFixture(name: string): JatsArticle[] {
  const xml = readFileSync(new URL(`../fixtures/jats/${name}`, import.meta.url), 'utf8');
  return parseJatsXml(xml, { onRecordError: (error) => assert.fail(error) });
}

const [bare] = parseFixture('bare-article.nxml');
const [nihms, frontiers] = parseFixture('articleset-two.xml');
const [restricted] = parseFixture('no-body.xml');
const [graphicalAbstract, graphicalFigure] = parseFixture('graphical-abstract.xml');

const texts = (article: JatsArticle | undefined, kind: JatsArticle['passages'][number]['kind']): string[] =>
  (article?.passages ?? []).filter((p) => p.kind === kind).map((p) => p.text);

describe('figures', () => {
  test('only figures with a non-empty caption count, in the body and the back matter alike', () => {
    assert.deepEqual(bare?.fullText.figures, [
      { label: 'Fig. 1', caption: 'Osteolytic lesion area in MDA-MB-231 xenografts. Micro-CT of the tibiae at day 28; *n* = 8 mice per group, P < 0.001.' },
      { label: 'Fig. A.1', caption: 'Flow-cytometry gating of bone-marrow disseminated tumour cells.' },
    ]);
  });

  test('figures in the floats-group of an NIHMS manuscript count', () => {
    assert.deepEqual(
      nihms?.fullText.figures.map((f) => f.label),
      ['Figure 1', 'Figure 2'],
    );
    assert.equal(nihms?.fullText.figures[0]?.caption, 'Dormant (label-retaining) cells sit within 20 μm of osteoblasts in murine tibiae.');
  });

  test('tables are not figures', () => {
    assert.deepEqual(frontiers?.fullText.figures, []);
  });
});

describe('references', () => {
  test("element-citation, mixed-citation and citation refs all count, a nested ref-list's once, a sub-article's not at all", () => {
    assert.equal(bare?.fullText.referenceCount, 4);
  });

  test('each ref-list style on its own is counted', () => {
    assert.equal(nihms?.fullText.referenceCount, 2);
    assert.equal(frontiers?.fullText.referenceCount, 2);
  });
});

describe('an article returned without its body', () => {
  test('has hasBody false, no figures, no references, and keeps its metadata', () => {
    assert.equal(restricted?.article.pmcid, 'PMC11900401');
    assert.deepEqual(restricted?.fullText, { pmcid: 'PMC11900401', hasBody: false, figures: [], referenceCount: 0 });
    assert.equal(restricted?.article.abstract.length, 1);
  });

  test('gives only the title and abstract passages', () => {
    assert.deepEqual(
      restricted?.passages.map((p) => p.kind),
      ['title', 'abstract'],
    );
  });

  test('an empty <body/> is no body either', () => {
    const [article] = parseJatsXml('<article><front><article-meta><article-id pub-id-type="pmcid">PMC1</article-id></article-meta></front><body/></article>');
    assert.equal(article?.fullText.hasBody, false);
  });
});

describe('graphical abstract', () => {
  test('an abstract-type="graphical" gives its paragraph as the caption, without its heading', () => {
    assert.equal(
      graphicalAbstract?.fullText.graphicalAbstract,
      'This figure summarises how tumour-derived RANKL recruits osteoclasts in the bone metastatic niche, and where denosumab interrupts the cycle.',
    );
    assert.deepEqual(
      graphicalAbstract?.fullText.figures.map((f) => f.label),
      ['FIGURE 1'],
    );
  });

  test('a fig marked as the graphical abstract gives its caption and is not one of the figures', () => {
    assert.equal(graphicalFigure?.fullText.graphicalAbstract, 'Rebound of bone turnover markers after the last *denosumab* dose.');
    assert.deepEqual(graphicalFigure?.fullText.figures, [{ label: 'Fig. 1', caption: 'Serum CTX by month after the last dose.' }]);
  });

  test('an article without one has no graphicalAbstract field', () => {
    assert.equal(bare !== undefined && 'graphicalAbstract' in bare.fullText, false);
  });
});

describe('passages', () => {
  test('come in reading order: title, abstract, body, captions', () => {
    const kinds = (bare?.passages ?? []).map((p) => p.kind);
    assert.deepEqual([...new Set(kinds)], ['title', 'abstract', 'body', 'caption']);
    assert.equal(kinds.lastIndexOf('abstract'), kinds.indexOf('abstract'));
  });

  test('are plain text: no markup, entities decoded', () => {
    assert.deepEqual(texts(bare, 'title'), [
      'Osteoclast-derived TGF-β drives Ca2+-dependent osteolysis in breast cancer bone metastasis (P < 0.001 in xenografts)',
    ]);
    for (const passage of bare?.passages ?? []) assert.doesNotMatch(passage.text, /<[A-Za-z/]|\*|&#?\w+;/, passage.text);
  });

  test('the abstract is one passage, section labels left out', () => {
    const [abstract] = texts(bare, 'abstract');
    assert.match(
      abstract ?? '',
      /^Bone is the most frequent site of metastasis.*osteoclasts\. We injected .* by 48% \(P < 0\.001\) and serum Ca2\+ returned.*bone metastases\.$/,
    );
  });

  test('the body gives one passage per section title and paragraph; a list stays in its paragraph with its items apart, processing instructions go', () => {
    assert.deepEqual(texts(bare, 'body'), [
      'Introduction',
      'Up to 70% of patients with metastatic breast or prostate cancer develop bone metastases [1], [2].',
      'Osteolytic lesions arise from a vicious cycle: tumour-derived PTHrP stimulates RANKL expression osteoclasts release TGF-β from the bone matrix',
      'Results',
      'The lesion area fell after treatment (Fig. 1; Table 1).',
      'Tumour volume was computed as V below.',
    ]);
  });

  test('figure and table captions follow in document order; display formulas, table cells and sub-articles are left out', () => {
    assert.deepEqual(texts(bare, 'caption'), [
      'Osteolytic lesion area in MDA-MB-231 xenografts. Micro-CT of the tibiae at day 28; n = 8 mice per group, P < 0.001.',
      'Skeletal-related events by treatment arm.',
      'Flow-cytometry gating of bone-marrow disseminated tumour cells.',
    ]);
  });

  test("the graphical abstract's caption is the first caption passage", () => {
    assert.equal(texts(graphicalFigure, 'caption')[0], 'Rebound of bone turnover markers after the last denosumab dose.');
    assert.equal(texts(graphicalAbstract, 'caption')[0]?.startsWith('This figure summarises'), true);
  });
});
