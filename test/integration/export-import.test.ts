import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../../src/services.ts';
import { queryHash } from '../../src/store/cursor-store.ts';
import { digestId } from '../../src/store/digest-store.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { cliEnv, runCli } from '../helpers/cli.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

/** The export's lines without its header (which carries the time of the export). */
function records(file: string): string[] {
  return readFileSync(file, 'utf8').trim().split('\n').slice(1);
}

describe('litwatch export and import', () => {
  const source = testPrefix('export');
  const target = testPrefix('import');
  const file = path.join(tmpdir(), `litwatch-export-${process.pid}.jsonl`);
  const again = path.join(tmpdir(), `litwatch-export-${process.pid}-again.jsonl`);
  let services: Services;

  before(async () => {
    services = testServices({ prefix: source, eutilsUrl: 'http://127.0.0.1:9/entrez/eutils', config: testConfig([{ id: 'bone', query: 'a' }]) });
    const work = await services.works.upsert(
      makeArticle({ pmid: '41009001', doi: '10.1000/Export.1', title: 'Zoledronate after fracture', abstract: [{ text: 'Fewer fractures.' }] }),
      'bone',
    );
    await services.works.upsert(makeArticle({ pmid: '41009002', doi: undefined, title: 'A work without DOI' }), 'bone');
    await services.works.recordIdconv(work.key, 'PMC9009001');
    await services.enrichment.saveFullText(work.key, {
      pmcid: 'PMC9009001',
      hasBody: true,
      figures: [{ label: 'Fig 1', caption: 'Survival' }],
      referenceCount: 40,
    });
    await services.enrichment.saveEntities(work.key, {
      source: 'local',
      scope: 'abstract',
      diseases: [{ type: 'Disease', id: 'MESH:D050723', mention: 'fracture' }],
      chemicals: [],
      genes: [],
      species: [],
      linkedDiseases: [],
      annotatedAt: 7,
    });
    await services.enrichment.retryUntil(work.key, Date.parse('2026-12-10T00:00:00Z'));
    await services.notices.add(work.key, { kind: 'erratum', noticePmid: '41009999', date: '2026-11-30', url: 'https://pubmed.ncbi.nlm.nih.gov/41009999/' });
    await services.cursors.advance('bone', queryHash('a'), '2026/11/27');
    await services.metrics.recordPoll('bone', { ok: true, found: 2, query: 'a' });
    await services.metrics.add('polls_total', 3);
    const reader = await services.subscribers.save(
      { email: 'exp@example.org', watches: ['bone'], frequency: 'weekly', timezone: 'Europe/Paris', filters: { bone: { include: ['MESH:D050723'] } } },
      'admin',
    );
    await services.subscribers.request({ email: 'pending@example.org', watches: ['bone'], frequency: 'daily', timezone: 'UTC' });
    await services.subscribers.recordSent(reader.id, ['pmid:41009002']);
    await services.notices.owe(reader.id, { workKey: work.key, noticePmid: '41009999' });
    await services.digests.create({
      id: digestId(reader.id, '2026-W48'),
      subscriberId: reader.id,
      period: '2026-W48',
      subject: 'S',
      html: '<p>h</p>',
      text: 't',
      workKeys: [work.key],
      notices: [`${work.key}|41009999`],
      createdAt: Date.now(),
    });
  });

  after(async () => {
    await services.close();
    for (const f of [file, again, `${file.replace(/\.jsonl$/, '')}-broken.jsonl`]) rmSync(f, { force: true });
    await deletePrefix(source);
    await deletePrefix(target);
  });

  test('export then import into an empty database gives the same rows, and search works there', async () => {
    const exported = await runCli(['export', '--out', file], cliEnv({ LITWATCH_PREFIX: source }));
    assert.equal(exported.code, 0, exported.stderr);
    const lines = records(file);
    const tables = new Set(lines.map((line) => (JSON.parse(line) as { table: string }).table));
    for (const table of [
      'works',
      'work_ids',
      'work_watches',
      'work_enrichment',
      'work_notices',
      'watch_cursors',
      'watch_status',
      'subscribers',
      'subscription_requests',
      'subscriber_sends',
      'owed_notices',
      'digests',
      'metric_counters',
    ])
      assert.ok(tables.has(table), table);
    assert.match(exported.stderr, new RegExp(`exported ${lines.length} rows to `));

    const imported = await runCli(['import', file], cliEnv({ LITWATCH_PREFIX: target }));
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, new RegExp(`^imported ${lines.length} rows: works 2, `, 'm'));
    assert.equal((await runCli(['export', '--out', again], cliEnv({ LITWATCH_PREFIX: target }))).code, 0);
    assert.deepEqual(records(again), lines);

    const { code, stdout } = await runCli(
      ['works', '--search', 'zoledronate fracture'],
      cliEnv({ LITWATCH_PREFIX: target, LITWATCH_CONFIG: path.resolve('config') }),
    );
    assert.equal(code, 0);
    assert.match(stdout, /^10\.1000\/export\.1\t41009001\tbone\tZoledronate after fracture$/m);
  });

  test('an export written before digests held their works as arrays (schema 5) still imports, into arrays', async () => {
    // The same records in the shape schema 5 wrote them: a row per (digest, work) in
    // digest_items and per (subscriber, work) in subscriber_sent.
    const [header, ...rest] = readFileSync(file, 'utf8').trim().split('\n');
    const old: string[] = [JSON.stringify({ ...JSON.parse(header!), schema: 5 })];
    let readerId = '';
    let digest = { id: '', keys: [] as string[] };
    for (const text of rest) {
      const line = JSON.parse(text) as { table: string; row: Record<string, unknown> };
      if (line.table === 'subscriber_sends') {
        readerId = line.row.subscriber_id as string;
        for (const key of line.row.work_keys as string[])
          old.push(JSON.stringify({ table: 'subscriber_sent', row: { subscriber_id: readerId, work_key: key, sent_at: line.row.sent_at } }));
      } else if (line.table === 'digests') {
        const { work_keys, ...row } = line.row;
        digest = { id: row.id as string, keys: work_keys as string[] };
        old.push(JSON.stringify({ table: 'digests', row }));
        (work_keys as string[]).forEach((key, i) => {
          old.push(JSON.stringify({ table: 'digest_items', row: { digest_id: row.id, position: i + 1, work_key: key } }));
        });
      } else old.push(text);
    }
    assert.ok(readerId && digest.keys.length > 0, 'the export has sent history and a digest with works');
    const oldFile = path.join(tmpdir(), `litwatch-export-${process.pid}-schema5.jsonl`);
    writeFileSync(oldFile, `${old.join('\n')}\n`);
    const fresh = testPrefix('import-old');
    const imported = testServices({ prefix: fresh, eutilsUrl: 'http://127.0.0.1:9/entrez/eutils', config: testConfig([{ id: 'bone', query: 'a' }]) });
    try {
      const result = await runCli(['import', oldFile], cliEnv({ LITWATCH_PREFIX: fresh }));
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual((await imported.digests.get(digest.id))?.workKeys, digest.keys);
      assert.deepEqual(await imported.subscribers.sent(readerId), new Set(['pmid:41009002']));
      // Re-exported, it is the new shape and the same records as the export it came from.
      assert.equal((await runCli(['export', '--out', again], cliEnv({ LITWATCH_PREFIX: fresh }))).code, 0);
      assert.deepEqual(records(again), records(file));
    } finally {
      await imported.close();
      rmSync(oldFile, { force: true });
      await deletePrefix(fresh);
    }
  });

  test('import refuses a database that is not empty, and a bad line, each in one line', async () => {
    const refused = await runCli(['import', file], cliEnv({ LITWATCH_PREFIX: target }));
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^import needs an empty database: works has 2 rows, work_ids has \d+ rows/);
    const broken = path.join(tmpdir(), `litwatch-export-${process.pid}-broken.jsonl`);
    const [header, first] = readFileSync(file, 'utf8').split('\n');
    writeFileSync(broken, `${header}\n${first}\n{"table":"works","row":{"key":"x","colour":"red"}}\n`);
    const fresh = testPrefix('import-bad');
    try {
      const bad = await runCli(['import', broken], cliEnv({ LITWATCH_PREFIX: fresh }));
      assert.equal(bad.code, 1);
      assert.equal(bad.stderr, `${broken}:3: works.colour: unknown column\n`);
    } finally {
      await deletePrefix(fresh);
    }
  });
});
