import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BiocError, parseBiocJson } from '../../src/entities/bioc.ts';
import type { AnnotatedDocument } from '../../src/entities/entity-types.ts';
import { buildWorkEntities } from '../../src/entities/work-entities.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ownFixture = (file: string): unknown => JSON.parse(readFileSync(path.join(projectRoot, 'test', 'fixtures', 'pubtator', file), 'utf8'));
// Real PubTator3 exports live beside the project, not in it (see their PROVENANCE.md).
const sharedDir = path.resolve(projectRoot, '..', 'shared', 'fixtures', 'ncbi', 'pubtator');
const skipShared = !existsSync(sharedDir) && `shared fixtures not found at ${sharedDir}`;

function only(docs: AnnotatedDocument[]): AnnotatedDocument {
  assert.equal(docs.length, 1);
  return docs[0]!;
}

describe('PubTator3 BioC JSON', () => {
  const doc = only(parseBiocJson(ownFixture('abstract-composite.json')));

  test('the PMID comes from the document and the PMCID from the title passage infons', () => {
    assert.equal(doc.pmid, '31000001');
    assert.equal(doc.pmcid, 'PMC7000001');
    assert.equal(doc.source, 'pubtator');
  });

  test('a title and abstract export has abstract scope', () => {
    assert.equal(doc.scope, 'abstract');
  });

  test('mentions come in document order whatever the order of the annotations', () => {
    const offsets = doc.mentions.map((m) => m.offset);
    assert.deepEqual(
      offsets,
      [...offsets].sort((a, b) => a - b),
    );
    assert.equal(doc.mentions[0]!.text, 'TP53');
  });

  test('variants, cell lines and annotations without an identifier are left out', () => {
    const texts = doc.mentions.map((m) => m.text);
    for (const left of ['R175H', 'MCF-7', 'lesion']) assert.ok(!texts.includes(left), left);
    assert.deepEqual([...new Set(doc.mentions.map((m) => m.type))].sort(), ['Chemical', 'Disease', 'Gene', 'Species']);
  });

  test('a composite identifier is filed under its first id and keeps all of them in ids', () => {
    const composite = doc.mentions.find((m) => m.text === 'breast and prostate cancer')!;
    assert.equal(composite.id, 'MESH:D001943');
    assert.deepEqual(composite.ids, ['MESH:D001943', 'MESH:D011471']);
    const genes = doc.mentions.find((m) => m.text === 'MEK1 and MEK2')!;
    assert.equal(genes.id, '5604');
    assert.deepEqual(genes.ids, ['5604', '5605']);
  });

  test('a bare MeSH id gets the MESH: prefix and a numeric gene id becomes a string', () => {
    assert.equal(doc.mentions.find((m) => m.text === 'tumours')!.id, 'MESH:D009369');
    assert.equal(doc.mentions.find((m) => m.text === 'TP53')!.id, '7157');
  });

  test('offsets are the absolute BioC offsets', () => {
    const tumours = doc.mentions.find((m) => m.text === 'tumours')!;
    const raw = ownFixture('abstract-composite.json') as { PubTator3: { passages: { offset: number; text: string }[] }[] };
    const abstract = raw.PubTator3[0]!.passages[1]!;
    assert.equal(abstract.text.slice(tumours.offset - abstract.offset).startsWith('tumours'), true);
  });

  test('a plain BioC collection with PMC full-text passages has fulltext scope and ids from id and infons', () => {
    const full = only(parseBiocJson(ownFixture('fulltext-collection.json')));
    assert.equal(full.scope, 'fulltext');
    assert.equal(full.pmcid, 'PMC7000002');
    assert.equal(full.pmid, '32000002');
    assert.deepEqual([...new Set(full.mentions.map((m) => m.id))], ['7955', 'MESH:D008545', '673', '9606', '10090']);
  });

  test('a bare array of documents is read as a collection', () => {
    const raw = ownFixture('abstract-composite.json') as { PubTator3: unknown[] };
    assert.equal(only(parseBiocJson(raw.PubTator3)).pmid, '31000001');
  });

  test('a body that is not BioC fails with a message that says what was expected', () => {
    assert.throws(
      () => parseBiocJson({ error: 'rate limited' }),
      (e: unknown) => e instanceof BiocError && /expected \{"PubTator3"/.test(e.message) && /error/.test(e.message),
    );
    assert.throws(() => parseBiocJson('<html>'), BiocError);
    assert.throws(() => parseBiocJson(null), BiocError);
  });

  test('a malformed document fails with the path of the bad field', () => {
    const bad = { PubTator3: [{ id: '1', passages: [{ offset: 'zero', annotations: [] }] }] };
    assert.throws(
      () => parseBiocJson(bad),
      (e: unknown) => e instanceof BiocError && e.message.includes('PubTator3[0].passages[0].offset'),
    );
  });
});

describe('the recorded PubTator3 exports', { skip: skipShared }, () => {
  const shared = (pmid: string) => only(parseBiocJson(JSON.parse(readFileSync(path.join(sharedDir, `biomcp-pubtator3-biocjson-${pmid}.json`), 'utf8'))));

  test('PMID 22663011 gives melanoma, BRAF, human and trametinib in first-mention order', () => {
    const doc = shared('22663011');
    assert.equal(doc.pmid, '22663011');
    assert.equal(doc.pmcid, undefined);
    const entities = buildWorkEntities(doc, undefined, 0);
    assert.deepEqual(entities.diseases.map((e) => e.id).slice(0, 2), ['MESH:D008545', 'MESH:D003643']);
    assert.equal(entities.diseases[0]!.mention, 'melanoma');
    assert.deepEqual(
      entities.genes.map((e) => e.id),
      ['5609', '673', '150094'],
    );
    assert.deepEqual(
      entities.chemicals.map((e) => e.id),
      ['MESH:C560077', 'MESH:D003606', 'MESH:D017239'],
    );
    assert.deepEqual(
      entities.species.map((e) => [e.id, e.mention]),
      [['9606', 'patients']],
    );
  });

  test('PMID 20516115 gives its PMCID from the title infons, BRCA1 and the syndrome before cancer', () => {
    const doc = shared('20516115');
    assert.equal(doc.pmcid, 'PMC3040717');
    assert.equal(doc.scope, 'abstract');
    const entities = buildWorkEntities(doc, undefined, 0);
    assert.deepEqual(
      entities.diseases.map((e) => e.id),
      ['MESH:D061325', 'MESH:D009369'],
    );
    assert.deepEqual(
      entities.genes.map((e) => [e.id, e.mention]),
      [['672', 'BRCA1']],
    );
    assert.deepEqual(
      entities.species.map((e) => e.id),
      ['9606'],
    );
  });
});
