import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Mention } from '../../src/entities/entity-types.ts';
import { tagText } from '../../src/entities/tagger.ts';
import { loadVocabulary, type Vocabulary } from '../../src/entities/vocabulary.ts';
import { buildWorkEntities } from '../../src/entities/work-entities.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtureVocab = path.join(projectRoot, 'test', 'fixtures', 'vocab');
// The real lexicon and the seed card live beside the project, not in it.
const shared = path.resolve(projectRoot, '..', 'shared');
const skipShared = !existsSync(path.join(shared, 'lexicon')) && `shared lexicon not found in ${shared}`;

let vocabulary: Vocabulary;
before(async () => {
  vocabulary = await loadVocabulary(fixtureVocab);
});

const tag = (text: string, offset = 0): Mention[] => tagText(vocabulary, [{ text, offset }]);
const found = (text: string) => tag(text).map((m) => [m.text, m.id]);

describe('the offline tagger: dictionary matching', () => {
  test('a disease and a species are found with their ids, text and offsets', () => {
    const mentions = tag('Melanoma in mice.', 100);
    assert.deepEqual(mentions, [
      { type: 'Disease', id: 'MESH:D008545', text: 'Melanoma', offset: 100 },
      { type: 'Species', id: '10090', text: 'mice', offset: 112 },
    ]);
  });

  test('case is ignored for ordinary names', () => {
    assert.deepEqual(found('BREAST CANCER and Breast cancer'), [
      ['BREAST CANCER', 'MESH:D001943'],
      ['Breast cancer', 'MESH:D001943'],
    ]);
  });

  test('an acronym-like name matches only as written: AIDS is tagged, aids is not', () => {
    assert.deepEqual(found('Patients with AIDS used hearing aids.'), [
      ['Patients', '9606'],
      ['AIDS', 'MESH:D000163'],
    ]);
    assert.deepEqual(found('NSCLC and nsclc'), [['NSCLC', 'MESH:D002289']]);
  });

  test('plurals meet their singular: metastases, cancers, tumours, tumors', () => {
    const ids = tag('Metastases of cancers; tumours and tumors.').map((m) => m.id);
    assert.deepEqual(ids, ['MESH:D009362', 'MESH:D009369', 'MESH:D009369', 'MESH:D009369']);
  });

  test('hyphens and spaces are the same: non-small-cell lung cancer, type-2 diabetes, bone-metastatic prostate cancer', () => {
    assert.deepEqual(found('non-small-cell lung cancer'), [['non-small-cell lung cancer', 'MESH:D002289']]);
    assert.deepEqual(found('type-2 diabetes'), [['type-2 diabetes', 'MESH:D003924']]);
    assert.deepEqual(found('bone-metastatic prostate cancer'), [['prostate cancer', 'MESH:D011471']]);
  });

  test('British spellings meet American names: oesophageal cancer, anaemia, tumour', () => {
    assert.deepEqual(found('oesophageal cancer with anaemia in a tumour'), [
      ['oesophageal cancer', 'MESH:D004938'],
      ['anaemia', 'MESH:D000740'],
      ['tumour', 'MESH:D009369'],
    ]);
  });

  test("a possessive meets the name without it: Alzheimer's disease", () => {
    assert.deepEqual(found("Alzheimer's disease and Alzheimer disease"), [
      ["Alzheimer's disease", 'MESH:D000544'],
      ['Alzheimer disease', 'MESH:D000544'],
    ]);
  });

  test('an inverted MeSH name is matched the way prose writes it', () => {
    assert.deepEqual(found('bone fractures'), [['bone fractures', 'MESH:D050723']]);
    // "Cancer, Breast" is a synonym, but never in this order in a sentence.
    assert.deepEqual(found('lung cancer, breast feeding'), [['lung cancer', 'MESH:D008175']]);
  });

  test('the longest match wins and mentions never overlap', () => {
    assert.deepEqual(found('triple negative breast cancer'), [['triple negative breast cancer', 'MESH:D064726']]);
  });

  test('a phrase never matches across a sentence break', () => {
    assert.deepEqual(found('They examined the breast. Cancer was absent.'), [['Cancer', 'MESH:D009369']]);
  });

  test('the bare words disease and syndrome are not tagged', () => {
    assert.deepEqual(found('The disease and the syndrome progressed.'), []);
  });
});

describe('the offline tagger: species words', () => {
  test('patients, women, men and children are human', () => {
    const ids = tag('patients, women, men and children').map((m) => [m.text, m.id]);
    assert.deepEqual(ids, [
      ['patients', '9606'],
      ['women', '9606'],
      ['men', '9606'],
      ['children', '9606'],
    ]);
  });

  test('mice, mouse and murine are Mus musculus; rats are Rattus norvegicus, not Rattus sp.', () => {
    const ids = tag('mice, a mouse, murine cells and rats').map((m) => m.id);
    assert.deepEqual(ids, ['10090', '10090', '10090', '10116']);
  });

  test('a scientific name and its abbreviated genus are found', () => {
    assert.deepEqual(found('Escherichia coli and E. coli'), [
      ['Escherichia coli', '562'],
      ['E. coli', '562'],
    ]);
  });
});

describe('the offline tagger: abbreviations defined in the text', () => {
  const text = 'Bone metastasis (BoMet) is common. Patients with BoMet suffer; bomet is not the same word.';

  test('the long form is one mention and every later short form gets its id', () => {
    assert.deepEqual(found(text), [
      ['Bone metastasis', 'MESH:D009362'],
      ['BoMet', 'MESH:D009362'],
      ['Patients', '9606'],
      ['BoMet', 'MESH:D009362'],
    ]);
  });

  test('a definition in the title carries into the abstract, and a use before it is not tagged', () => {
    const mentions = tagText(vocabulary, [
      { text: 'Non-small cell lung cancer (NSCLCa) in practice', offset: 0 },
      { text: 'Outcomes of NSCLCa were poor.', offset: 48 },
    ]);
    assert.deepEqual(
      mentions.map((m) => [m.text, m.id, m.offset]),
      [
        ['Non-small cell lung cancer', 'MESH:D002289', 0],
        ['NSCLCa', 'MESH:D002289', 28],
        ['NSCLCa', 'MESH:D002289', 60],
      ],
    );
    assert.deepEqual(
      found('NSCLCa first, then non-small cell lung cancer (NSCLCa).').map(([t]) => t),
      ['non-small cell lung cancer', 'NSCLCa'],
    );
  });

  test('a parenthesis that does not abbreviate the words before it defines nothing', () => {
    assert.deepEqual(found('Melanoma (n = 12) and melanoma (HR 0.45) in PD.'), [
      ['Melanoma', 'MESH:D008545'],
      ['melanoma', 'MESH:D008545'],
    ]);
  });
});

describe('the offline tagger: coordinated mentions', () => {
  test('"breast, prostate, and lung cancers" is one span carrying the three diseases, first id first', () => {
    const [mention] = tag('solid tumors, such as breast, prostate, and lung cancers.').filter((m) => m.ids);
    assert.equal(mention!.text, 'breast, prostate, and lung cancers');
    assert.equal(mention!.id, 'MESH:D001943');
    assert.deepEqual(mention!.ids, ['MESH:D001943', 'MESH:D011471', 'MESH:D008175']);
  });

  test('two conjuncts without a comma, and "or", are coordinated too', () => {
    assert.deepEqual(
      tag('breast or prostate cancer').map((m) => m.ids),
      [['MESH:D001943', 'MESH:D011471']],
    );
  });

  test('the head may be several words: small- and non-small-cell lung cancer', () => {
    assert.deepEqual(
      tag('small- and non-small-cell lung cancer').map((m) => m.ids),
      [['MESH:D055752', 'MESH:D002289']],
    );
  });

  test('a conjunct that makes no disease with the head is left out', () => {
    const mentions = tag('early and lung cancer');
    assert.deepEqual(
      mentions.map((m) => [m.text, m.id, m.ids]),
      [['lung cancer', 'MESH:D008175', undefined]],
    );
  });
});

describe('the shared lexicon on the seed card', { skip: skipShared }, () => {
  // The abstract is read from the seed card at run time; no copy of it lives in the project.
  const seedAbstract = () =>
    readFileSync(path.join(shared, 'format', 'seed-card.md'), 'utf8')
      .split('## Abstract\n')[1]!
      .split('\n## ')[0]!
      .trim();
  let lexicon: Vocabulary;
  before(async () => {
    lexicon = await loadVocabulary(path.join(shared, 'lexicon'));
  });

  test('breast, prostate and lung cancer come out as one coordinated mention', () => {
    const mentions = tagText(lexicon, [{ text: seedAbstract(), offset: 0 }]);
    const coordinated = mentions.find((m) => m.text === 'breast, prostate, and lung cancers');
    assert.deepEqual(coordinated?.ids, ['MESH:D001943', 'MESH:D011471', 'MESH:D008175']);
    assert.equal(mentions.find((m) => m.text === 'BoMet')?.id, 'MESH:D009362');
    assert.equal(mentions.find((m) => m.type === 'Species')?.id, '9606');
  });

  test('the card links breast, prostate and lung cancer first, and not cancer itself', () => {
    const mentions = tagText(lexicon, [{ text: seedAbstract(), offset: 0 }]);
    const entities = buildWorkEntities({ source: 'local', scope: 'abstract', mentions }, lexicon, 0);
    assert.deepEqual(
      entities.linkedDiseases.slice(0, 3).map((d) => [d.mondoId, d.label]),
      [
        ['MONDO:0021100', 'breast neoplasm'],
        ['MONDO:0008315', 'prostate cancer'],
        ['MONDO:0021117', 'lung neoplasm'],
      ],
    );
    assert.ok(!entities.linkedDiseases.some((d) => d.meshId === 'MESH:D009369' || d.meshId === 'MESH:D009362'));
    assert.deepEqual(entities.species, [{ type: 'Species', id: '9606', mention: 'patients', scientificName: 'Homo sapiens', commonName: 'human' }]);
  });
});
