import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AnnotatedDocument, Mention } from '../../src/entities/entity-types.ts';
import { specificity } from '../../src/entities/specificity.ts';
import { loadVocabulary, type Vocabulary } from '../../src/entities/vocabulary.ts';
import { buildWorkEntities, GENERIC_DISEASES, mergeAnnotations } from '../../src/entities/work-entities.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtureVocab = path.join(projectRoot, 'test', 'fixtures', 'vocab');
const sharedLexicon = path.resolve(projectRoot, '..', 'shared', 'lexicon');
const skipShared = !existsSync(sharedLexicon) && `shared lexicon not found at ${sharedLexicon}`;
/** A pinned clock, so `annotatedAt` is checked exactly. */
const REFERENCE_TIMESTAMP = Date.UTC(2026, 1, 5, 6, 0, 0);

let vocabulary: Vocabulary;
before(async () => {
  vocabulary = await loadVocabulary(fixtureVocab);
});

let nextOffset = 0;
const disease = (id: string, text: string, ids?: string[]): Mention => ({ type: 'Disease', id, text, offset: (nextOffset += 10), ...(ids && { ids }) });
const doc = (mentions: Mention[], source: AnnotatedDocument['source'] = 'pubtator'): AnnotatedDocument => ({ source, scope: 'abstract', mentions });

describe('the card entries of a work', () => {
  test('one entry per identifier per type, in order of first mention, named by the first mention', () => {
    const mentions: Mention[] = [
      { type: 'Gene', id: '673', text: 'BRAF', offset: 40 },
      { type: 'Disease', id: 'MESH:D008545', text: 'metastatic melanoma', offset: 30 },
      { type: 'Disease', id: 'MESH:D008545', text: 'Melanoma', offset: 0 },
      { type: 'Chemical', id: 'MESH:C560077', text: 'trametinib', offset: 50 },
      { type: 'Gene', id: '673', text: 'B-RAF', offset: 20 },
      { type: 'Disease', id: 'MESH:D003643', text: 'death', offset: 60 },
    ];
    const entities = buildWorkEntities(doc(mentions), vocabulary, REFERENCE_TIMESTAMP);
    assert.deepEqual(entities.diseases, [
      { type: 'Disease', id: 'MESH:D008545', mention: 'Melanoma' },
      { type: 'Disease', id: 'MESH:D003643', mention: 'death' },
    ]);
    assert.deepEqual(entities.genes, [{ type: 'Gene', id: '673', mention: 'B-RAF' }]);
    assert.deepEqual(entities.chemicals, [{ type: 'Chemical', id: 'MESH:C560077', mention: 'trametinib' }]);
    assert.equal(entities.annotatedAt, REFERENCE_TIMESTAMP);
    assert.equal(entities.source, 'pubtator');
  });

  test('a coordinated mention is one entry under its first id, as the seed card writes it', () => {
    const entities = buildWorkEntities(doc([disease('MESH:D001943', 'breast and prostate cancers', ['MESH:D001943', 'MESH:D011471'])]), vocabulary, 0);
    assert.deepEqual(entities.diseases, [{ type: 'Disease', id: 'MESH:D001943', mention: 'breast and prostate cancers' }]);
  });

  test('a species is named from the vocabulary, or by its mention when the vocabulary does not know it', () => {
    const mentions: Mention[] = [
      { type: 'Species', id: '9606', text: 'patients', offset: 0 },
      { type: 'Species', id: '7955', text: 'zebrafish', offset: 9 },
    ];
    assert.deepEqual(buildWorkEntities(doc(mentions), vocabulary, 0).species, [
      { type: 'Species', id: '9606', mention: 'patients', scientificName: 'Homo sapiens', commonName: 'human' },
      { type: 'Species', id: '7955', mention: 'zebrafish' },
    ]);
  });

  test('without a vocabulary the entries stay and nothing is linked', () => {
    const entities = buildWorkEntities(doc([disease('MESH:D001943', 'breast cancer')]), undefined, 0);
    assert.equal(entities.diseases.length, 1);
    assert.deepEqual(entities.linkedDiseases, []);
  });
});

describe('the linked diseases of a work', () => {
  const linked = (mentions: Mention[]) => buildWorkEntities(doc(mentions), vocabulary, 0).linkedDiseases.map((d) => d.mondoId);

  test('every disease of a coordinated mention is linked', () => {
    const mentions = [disease('MESH:D001943', 'breast, prostate, and lung cancers', ['MESH:D001943', 'MESH:D011471', 'MESH:D008175'])];
    assert.deepEqual(buildWorkEntities(doc(mentions), vocabulary, 0).linkedDiseases, [
      { mondoId: 'MONDO:0021100', label: 'breast neoplasm', meshId: 'MESH:D001943', predicate: 'skos:exactMatch' },
      { mondoId: 'MONDO:0008315', label: 'prostate cancer', meshId: 'MESH:D011471', predicate: 'skos:exactMatch' },
      { mondoId: 'MONDO:0021117', label: 'lung neoplasm', meshId: 'MESH:D008175', predicate: 'skos:exactMatch' },
    ]);
  });

  test('generic roots are left out even when MONDO maps them', () => {
    const mentions = [
      disease('MESH:D009369', 'cancer'),
      disease('MESH:D004194', 'diseases'),
      disease('MESH:D009362', 'metastasis'),
      disease('MESH:D008545', 'melanoma'),
    ];
    assert.deepEqual(linked(mentions), ['MONDO:0005105']);
  });

  test('the most specific disease comes first, whatever the order of mention', () => {
    const mentions = [disease('MESH:D008545', 'melanoma'), disease('MESH:D001943', 'breast cancer'), disease('MESH:D064726', 'TNBC')];
    assert.deepEqual(linked(mentions), ['MONDO:0005494', 'MONDO:0021100', 'MONDO:0005105']);
  });

  test('diseases equally specific stay in order of first mention', () => {
    const mentions = [disease('MESH:D006934', 'hypercalcemia'), disease('MESH:D008545', 'melanoma'), disease('MESH:D050723', 'fractures')];
    assert.deepEqual(linked(mentions), ['MONDO:0001566', 'MONDO:0005105', 'MONDO:0005315']);
  });

  test('a disease without a MONDO mapping is left out and each MONDO term appears once', () => {
    const mentions = [disease('MESH:D000740', 'anaemia'), disease('MESH:D001943', 'breast cancer'), disease('MESH:D001943', 'mammary cancer')];
    assert.deepEqual(linked(mentions), ['MONDO:0021100']);
  });
});

describe('specificity from nested names', () => {
  test('a heading that names another disease is deeper than it, and the chain counts', () => {
    assert.equal(specificity(vocabulary, 'MESH:D009369'), 0);
    assert.equal(specificity(vocabulary, 'MESH:D001943'), 1);
    assert.equal(specificity(vocabulary, 'MESH:D064726'), 2);
    assert.equal(specificity(vocabulary, 'MESH:D008545'), 0);
  });
});

describe('choosing between PubTator and the offline tagger', () => {
  const pubtator = doc([disease('MESH:D008545', 'melanoma')], 'pubtator');
  const local = doc([disease('MESH:D001943', 'breast cancer')], 'local');

  test("PubTator's annotations win when present", () => {
    assert.equal(mergeAnnotations(pubtator, local), pubtator);
  });

  test('PubTator wins even when it found nothing: its judgement is the better one', () => {
    const empty = doc([], 'pubtator');
    assert.equal(mergeAnnotations(empty, local), empty);
  });

  test('the local annotations are used while PubTator has none, and nothing when neither has', () => {
    assert.equal(mergeAnnotations(undefined, local)?.source, 'local');
    assert.equal(mergeAnnotations(undefined, undefined), undefined);
  });
});

describe('the generic roots list', { skip: skipShared }, () => {
  test('every listed id is in the shared lexicon under the name the list gives', async () => {
    const lexicon = await loadVocabulary(sharedLexicon);
    for (const [id, name] of GENERIC_DISEASES) assert.equal(lexicon.diseaseNames.get(id), name, id);
  });
});
