import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { syncVocabulary, type VocabSources } from '../../src/entities/vocab-sync.ts';
import { loadVocabulary, mondoFor } from '../../src/entities/vocabulary.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const sourcesDir = path.join(projectRoot, 'test', 'fixtures', 'vocab', 'sources');
const scratch = mkdtempSync(path.join(tmpdir(), 'litwatch-sync-'));

/** Serves the small source files; any other path is a 404, as a moved upstream file would be. */
let server: Server;
let baseUrl = '';
/** MeSH year files the local server has "published", as file name -> the sample it serves. */
let publishedMesh: Record<string, string> = {};
before(async () => {
  server = createServer((request, response) => {
    try {
      const name = path.basename(request.url ?? '');
      const body = readFileSync(path.join(sourcesDir, publishedMesh[name] ?? name));
      response.writeHead(200, { 'content-type': 'text/plain' }).end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
  rmSync(scratch, { recursive: true, force: true });
});

function localSources(): VocabSources {
  return {
    meshFolder: `${baseUrl}/mesh/`,
    meshDescriptors: `${baseUrl}/d-sample.bin`,
    meshSupplementary: `${baseUrl}/c-sample.bin`,
    mondoMappings: [`${baseUrl}/mondo-exact.sssom.tsv`, `${baseUrl}/mondo-more.sssom.tsv`],
    taxonomy: `${baseUrl}/taxslim-sample.obo`,
  };
}

const tsvRows = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));

async function sync(dir: string, sources: Partial<VocabSources> = localSources()) {
  const lines: string[] = [];
  const result = await syncVocabulary({ dir, sources, log: (line) => lines.push(line) });
  return { result, lines };
}

describe('vocab sync against a local server', () => {
  test('it writes the three files that the loader reads', async () => {
    const dir = path.join(scratch, 'fresh');
    const { result } = await sync(dir);
    assert.deepEqual(readdirSync(dir).sort(), ['diseases.tsv', 'mesh_to_mondo.tsv', 'species.tsv']);
    const vocabulary = await loadVocabulary(dir);
    assert.deepEqual(vocabulary.counts, { diseases: result.diseases, species: result.species, mappings: result.mappings });
  });

  test('diseases are the C and F03 descriptors with their entry terms, and the SCRs mapped to them', async () => {
    const dir = path.join(scratch, 'diseases');
    await sync(dir);
    const rows = tsvRows(path.join(dir, 'diseases.tsv'));
    assert.deepEqual(rows[0], ['mesh_id', 'preferred_name', 'synonyms', 'source', 'corpus_mentions']);
    assert.deepEqual(
      rows.slice(1).map(([id, name, synonyms, , corpus]) => [id, name, synonyms, corpus]),
      [
        ['MESH:D001943', 'Breast Neoplasms', 'Breast Cancer|Breast Tumors|Cancer of Breast|Mammary Cancer', ''],
        ['MESH:D009369', 'Neoplasms', 'Tumors|Cancer', ''],
        ['MESH:D003866', 'Depressive Disorder', 'Depression, Endogenous', ''],
        ['MESH:D004410', 'Dyslexia', 'Word Blindness', ''],
        ['MESH:C562840', 'Breast Cancer, Familial', 'Familial Breast Cancer|BRCA Syndrome', ''],
        ['MESH:C000998', 'Tumor Lysis Variant X', '', ''],
      ],
    );
    assert.match(rows[1]![3]!, /^MeSH d-sample\.bin \+ c-sample\.bin \(vocab sync \d{4}-\d\d-\d\d\)$/);
  });

  test('mappings keep MeSH rows only, drop obsolete MONDO terms, and keep the first file’s predicate', async () => {
    const dir = path.join(scratch, 'mappings');
    await sync(dir);
    const vocabulary = await loadVocabulary(dir);
    assert.deepEqual([...vocabulary.meshToMondo.keys()], ['MESH:D001943', 'MESH:D009369', 'MESH:D003866', 'MESH:C562840']);
    assert.equal(mondoFor(vocabulary, 'MESH:D001943')?.predicate, 'skos:exactMatch');
    assert.equal(vocabulary.meshToMondo.get('MESH:D001943')?.length, 1);
  });

  test('species are the species and subspecies terms, with common names and clean synonyms', async () => {
    const dir = path.join(scratch, 'species');
    await sync(dir);
    const rows = tsvRows(path.join(dir, 'species.tsv')).slice(1);
    assert.deepEqual(
      rows.map(([id, name, common, synonyms, , rank]) => [id, name, common, synonyms, rank]),
      [
        ['9606', 'Homo sapiens', 'human', 'man', 'species'],
        ['10090', 'Mus musculus', 'house mouse', 'mouse', 'species'],
        ['9615', 'Canis lupus familiaris', 'dog', 'Canis familiaris|dogs', 'subspecies'],
      ],
    );
  });

  test('progress reports the bytes downloaded for every source', async () => {
    const { result, lines } = await sync(path.join(scratch, 'progress'));
    for (const file of ['d-sample.bin', 'c-sample.bin', 'mondo-exact.sssom.tsv', 'mondo-more.sssom.tsv', 'taxslim-sample.obo']) {
      assert.ok(
        lines.some((line) => line.startsWith(`${file}: `) && line.endsWith('MB downloaded')),
        file,
      );
    }
    const served = readdirSync(sourcesDir).reduce((sum, file) => sum + readFileSync(path.join(sourcesDir, file)).length, 0);
    assert.equal(result.bytes, served);
    assert.match(lines.at(-1)!, /^vocab sync: wrote 6 diseases, 3 species, 4 MeSH→MONDO mappings to /);
  });

  test('a source that fails leaves the vocabulary already there untouched and no temporary file', async () => {
    const dir = path.join(scratch, 'kept');
    await sync(dir);
    const before = readFileSync(path.join(dir, 'diseases.tsv'), 'utf8');
    await assert.rejects(
      sync(dir, { ...localSources(), taxonomy: `${baseUrl}/moved-away.obo` }),
      /GET http:\/\/127\.0\.0\.1:\d+\/moved-away\.obo answered HTTP 404/,
    );
    assert.equal(readFileSync(path.join(dir, 'diseases.tsv'), 'utf8'), before);
    assert.deepEqual(readdirSync(dir).sort(), ['diseases.tsv', 'mesh_to_mondo.tsv', 'species.tsv']);
  });

  test('a mapping file without the SSSOM columns fails and names its URL', async () => {
    await assert.rejects(
      sync(path.join(scratch, 'bad-sssom'), { ...localSources(), mondoMappings: [`${baseUrl}/d-sample.bin`] }),
      /d-sample\.bin: not an SSSOM mapping file, its header lacks subject_id, subject_label, predicate_id, object_id/,
    );
  });

  test("with no MeSH files given, it takes the current year's pair from the MeSH folder", async () => {
    publishedMesh = { 'd2025.bin': 'd-sample.bin', 'c2025.bin': 'c-sample.bin', 'd2026.bin': 'd-sample.bin', 'c2026.bin': 'c-sample.bin' };
    const dir = path.join(scratch, 'mesh-current');
    const { meshDescriptors: _d, meshSupplementary: _c, ...rest } = localSources();
    const lines: string[] = [];
    await syncVocabulary({ dir, sources: rest, log: (line) => lines.push(line), now: new Date('2026-06-15T12:00:00Z') });
    assert.match(readFileSync(path.join(dir, 'diseases.tsv'), 'utf8'), /MeSH d2026\.bin \+ c2026\.bin/);
    assert.ok(!lines.some((line) => line.includes('not published yet')));
  });

  test("it falls back to the previous year's MeSH while the current year's is not published", async () => {
    publishedMesh = { 'd2025.bin': 'd-sample.bin', 'c2025.bin': 'c-sample.bin' };
    const dir = path.join(scratch, 'mesh-fallback');
    const { meshDescriptors: _d, meshSupplementary: _c, ...rest } = localSources();
    const lines: string[] = [];
    const result = await syncVocabulary({ dir, sources: rest, log: (line) => lines.push(line), now: new Date('2026-01-05T08:00:00Z') });
    assert.ok(result.diseases > 0);
    assert.match(readFileSync(path.join(dir, 'diseases.tsv'), 'utf8'), /MeSH d2025\.bin \+ c2025\.bin/);
    assert.ok(lines.includes('MeSH 2026 is not published yet (d2026.bin: HTTP 404); using MeSH 2025'), lines.join('\n'));
  });
});
