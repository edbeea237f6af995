import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { blockToCard, blockToPlain, cutElements, findElements } from '../../src/parse/jats-elements.ts';

const names = (xml: string, wanted: string[]): string[] => findElements(xml, wanted).map((e) => `${e.name}:${e.inner}`);

describe('findElements', () => {
  test('finds the outermost elements in document order, following nesting of the same name', () => {
    const xml = '<sec><title>A</title><sec><title>B</title></sec></sec><p>x</p>';
    assert.deepEqual(names(xml, ['sec', 'p']), ['sec:<title>A</title><sec><title>B</title></sec>', 'p:x']);
  });

  test('does not take a longer name for a shorter one (<p> is not <permissions>, <ref> is not <ref-list>)', () => {
    assert.deepEqual(names('<permissions>no</permissions><p>yes</p>', ['p']), ['p:yes']);
    assert.deepEqual(names('<ref-list><ref id="b1">one</ref></ref-list>', ['ref']), ['ref:one']);
  });

  test('reads attributes and self-closed elements', () => {
    const [fig, graphic] = findElements('<fig id="f1" fig-type="graphical-abstract"></fig><graphic xlink:href="g.jpg"/>', ['fig', 'graphic']);
    assert.deepEqual(fig?.attrs, { id: 'f1', 'fig-type': 'graphical-abstract' });
    assert.deepEqual(graphic?.attrs, { 'xlink:href': 'g.jpg' });
    assert.equal(graphic?.inner, '');
  });

  test('leaves out an element that is never closed', () => {
    assert.deepEqual(names('<p>one</p><p>two', ['p']), ['p:one']);
  });
});

describe('cutElements', () => {
  test('removes the elements with their content and keeps the words around them apart', () => {
    assert.equal(cutElements('bone<fig><caption>x</caption></fig>metastasis', ['fig']), 'bone metastasis');
  });
});

describe('block text', () => {
  test('list items inside a paragraph stay separate words', () => {
    const raw = 'Causes:<list><list-item><p>PTHrP</p></list-item><list-item><p>RANKL</p></list-item></list>';
    assert.equal(blockToPlain(raw), 'Causes: PTHrP RANKL');
  });

  test('card form keeps italics and sup/sub, plain form drops every tag', () => {
    const raw = '<italic>n</italic> = 8, Ca<sup>2+</sup>, P &lt; 0.001';
    assert.equal(blockToCard(raw), '*n* = 8, Ca<sup>2+</sup>, P < 0.001');
    assert.equal(blockToPlain(raw), 'n = 8, Ca2+, P < 0.001');
  });

  test('plain form keeps a superscript citation apart from the word it follows, for the tagger', () => {
    const raw = 'common in breast cancer<sup><xref ref-type="bibr" rid="B1">1</xref>,<xref ref-type="bibr" rid="B2">2</xref></sup> and myeloma.';
    assert.equal(blockToPlain(raw), 'common in breast cancer 1, 2 and myeloma.');
  });
});
