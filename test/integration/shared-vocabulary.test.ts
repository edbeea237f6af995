import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Services } from '../../src/services.ts';
import { captureLogs, deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { until } from '../helpers/until.ts';

// Three machines of one installation (one database): one ran `vocab sync`, one has no
// vocabulary, one has an older copy.
const prefix = testPrefix('shared-vocab');
const FIXTURES = path.join(import.meta.dirname, '../fixtures/vocab');
const started: Services[] = [];

function machine(vocabDir: string): { services: Services; lines: Record<string, unknown>[] } {
  const logs = captureLogs();
  const services = testServices({
    prefix,
    eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
    config: testConfig([]),
    vocabDir,
    env: { LITWATCH_CONFIG_POLL_MS: '100' },
    log: logs.log,
  });
  started.push(services);
  return { services, lines: logs.lines };
}

function copyOfFixtures(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'litwatch-vocab-'));
  for (const file of ['diseases.tsv', 'species.tsv', 'mesh_to_mondo.tsv']) cpSync(path.join(FIXTURES, file), path.join(dir, file));
  return dir;
}

after(async () => {
  for (const services of started) await services.close();
  await deletePrefix(prefix);
});

test('a vocabulary is stored once and used by a machine without one and by a machine with an older copy', async () => {
  const synced = machine(copyOfFixtures());
  const own = await synced.services.vocabulary();
  assert.ok(own && own.counts.diseases > 0);
  assert.ok(synced.lines.some((l) => l.event === 'vocab.stored' && l.version === 1));

  const bare = machine(path.join(tmpdir(), 'litwatch-no-vocab-here'));
  const fromDatabase = await bare.services.vocabulary();
  assert.deepEqual(fromDatabase?.counts, own.counts);
  assert.equal(fromDatabase?.diseaseNames.get('MESH:D001943'), own.diseaseNames.get('MESH:D001943'));
  assert.ok(!bare.lines.some((l) => l.event === 'vocab.missing'));

  // An older copy: one disease fewer, files last changed a week ago.
  const oldDir = copyOfFixtures();
  const diseases = path.join(oldDir, 'diseases.tsv');
  writeFileSync(diseases, readFileSync(diseases, 'utf8').split('\n').slice(0, -2).join('\n').concat('\n'));
  // Counted back from the file system's clock (the one the database's now() shares), not this
  // process's Date.now(): the suite also runs with the process clock moved a year ahead.
  const weekAgo = new Date(statSync(diseases).mtimeMs - 7 * 86_400_000);
  for (const file of ['diseases.tsv', 'species.tsv', 'mesh_to_mondo.tsv']) utimesSync(path.join(oldDir, file), weekAgo, weekAgo);
  const stale = machine(oldDir);
  const followed = await stale.services.vocabulary();
  assert.deepEqual(followed?.counts, own.counts);
  const differs = stale.lines.find((l) => l.event === 'vocab.local_differs');
  assert.match(String(differs?.msg), /differs from shared vocabulary version 1 \(stored by .+\), and is older; using the shared one/);
  assert.equal((await stale.services.vocabularies.newestVersion())?.version, 1, 'the older copy is not stored');

  // `vocab sync` on a fourth machine: one disease more. The machine without a folder, already
  // running on version 1, takes version 2 at a later use.
  const newerDir = copyOfFixtures();
  writeFileSync(
    path.join(newerDir, 'diseases.tsv'),
    `${readFileSync(path.join(newerDir, 'diseases.tsv'), 'utf8')}MESH:D999990\tOsteotropic Test Disease\tTest Osteotropism\tlitwatch test fixture (hand-written)\t\n`,
  );
  const resynced = machine(newerDir);
  assert.equal((await resynced.services.vocabulary())?.counts.diseases, own.counts.diseases + 1);
  assert.ok(resynced.lines.some((l) => l.event === 'vocab.stored' && l.version === 2));
  await until(async () => (await bare.services.vocabulary())?.counts.diseases === own.counts.diseases + 1);
  assert.equal((await bare.services.vocabulary())?.diseaseNames.get('MESH:D999990'), 'Osteotropic Test Disease');
  assert.ok(bare.lines.some((l) => l.event === 'vocab.shared_changed' && l.version === 2));
});
