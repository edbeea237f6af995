import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildVocabulary, loadVocabulary, mondoFor } from '../../src/entities/vocabulary.ts';
import { VocabularyError, type MappingRow } from '../../src/entities/vocabulary-files.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtureVocab = path.join(projectRoot, 'test', 'fixtures', 'vocab');
// The real lexicon lives beside the project, not in it (see its PROVENANCE.md).
const sharedLexicon = path.resolve(projectRoot, '..', 'shared', 'lexicon');
const skipShared = !existsSync(sharedLexicon) && `shared lexicon not found at ${sharedLexicon}`;

const scratch = mkdtempSync(path.join(tmpdir(), 'litwatch-vocab-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the fixture vocabulary with one file's text changed. */
function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(path.join(scratch, 'copy-'));
  cpSync(fixtureVocab, dir, { recursive: true });
  writeFileSync(path.join(dir, file), edit(readFileSync(path.join(dir, file), 'utf8')));
  return dir;
}

describe('loading the vocabulary folder', () => {
  test('the fixture folder loads with every row counted', async () => {
    const vocabulary = await loadVocabulary(fixtureVocab);
    assert.deepEqual(vocabulary.counts, { diseases: 18, species: 5, mappings: 12 });
    assert.equal(vocabulary.diseaseNames.get('MESH:D001943'), 'Breast Neoplasms');
  });

  test('a taxon gives its scientific and common name', async () => {
    const vocabulary = await loadVocabulary(fixtureVocab);
    assert.deepEqual(vocabulary.species.get('9606'), { scientificName: 'Homo sapiens', commonName: 'human' });
    assert.deepEqual(vocabulary.species.get('10118'), { scientificName: 'Rattus sp.', commonName: 'rats' });
  });

  test('a row with a missing field fails with the file and line', async () => {
    const dir = brokenCopy('diseases.tsv', (text) => text.replace('MESH:D008545\tMelanoma\tMalignant Melanoma\t', 'MESH:D008545\tMelanoma\t'));
    await assert.rejects(loadVocabulary(dir), (e: unknown) => {
      assert.ok(e instanceof VocabularyError);
      assert.match(e.message, /diseases\.tsv:16: expected 5 tab-separated fields \(mesh_id, preferred_name, synonyms, source, corpus_mentions\), found 4/);
      assert.equal(e.line, 16);
      return true;
    });
  });

  test('a malformed identifier fails with the file, line and field', async () => {
    const dir = brokenCopy('mesh_to_mondo.tsv', (text) => text.replace('MONDO:0005105', 'MONDO_0005105'));
    await assert.rejects(loadVocabulary(dir), /mesh_to_mondo\.tsv:11: mondo_id "MONDO_0005105" is not a MONDO id/);
  });

  test('a wrong header fails on line 1 and says how to get a good file', async () => {
    const dir = brokenCopy('species.tsv', (text) => text.replace('taxon_id', 'tax_id'));
    await assert.rejects(loadVocabulary(dir), /species\.tsv:1: header is "tax_id.*re-run `litwatch vocab sync`/);
  });

  test('a missing file says to run vocab sync or set LITWATCH_VOCAB', async () => {
    const dir = mkdtempSync(path.join(scratch, 'empty-'));
    await assert.rejects(loadVocabulary(dir), /diseases\.tsv: not found; run `litwatch vocab sync`.*LITWATCH_VOCAB/);
  });
});

describe('MeSH to MONDO', () => {
  const row = (meshId: string, mondoId: string, predicate: string): MappingRow => ({ meshId, mondoId, label: mondoId, predicate });
  const vocabulary = buildVocabulary({
    diseases: [],
    species: [],
    mappings: [
      row('MESH:D000001', 'MONDO:0000011', 'skos:narrowMatch'),
      row('MESH:D000001', 'MONDO:0000012', 'skos:exactMatch'),
      row('MESH:D000002', 'MONDO:0000021', 'oboInOwl:hasDbXref'),
      row('MESH:D000003', 'MONDO:0000031', 'skos:narrowMatch'),
      row('MESH:D000004', 'MONDO:0000041', 'skos:broadMatch'),
      row('MESH:D000005', 'MONDO:0000051', 'skos:relatedMatch'),
    ],
  });

  test('an exact match is preferred over any other predicate', () => {
    assert.equal(mondoFor(vocabulary, 'MESH:D000001')?.mondoId, 'MONDO:0000012');
  });

  test('a MONDO cross-reference and a broader MONDO term are used when there is no exact match', () => {
    assert.equal(mondoFor(vocabulary, 'MESH:D000002')?.predicate, 'oboInOwl:hasDbXref');
    assert.equal(mondoFor(vocabulary, 'MESH:D000003')?.predicate, 'skos:narrowMatch');
  });

  test('a narrower or merely related MONDO term is never linked', () => {
    assert.equal(mondoFor(vocabulary, 'MESH:D000004'), undefined);
    assert.equal(mondoFor(vocabulary, 'MESH:D000005'), undefined);
    assert.equal(mondoFor(vocabulary, 'MESH:D999999'), undefined);
  });
});

describe('the shared lexicon', { skip: skipShared }, () => {
  test('it loads with the row counts its PROVENANCE.md gives', async () => {
    const vocabulary = await loadVocabulary(sharedLexicon);
    assert.deepEqual(vocabulary.counts, { diseases: 11_445, species: 5_210, mappings: 8_092 });
    assert.equal(mondoFor(vocabulary, 'MESH:D001943')?.mondoId, 'MONDO:0021100');
    assert.deepEqual(vocabulary.species.get('10116'), { scientificName: 'Rattus norvegicus', commonName: 'Norway rat' });
  });
});
