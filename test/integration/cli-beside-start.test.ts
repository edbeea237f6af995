import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliEnv, configDir, runCli, spawnCli, watchesYaml } from '../helpers/cli.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { freePort } from '../helpers/free-port.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { deletePrefix, ncbiEnv, REDIS_URL, REFERENCE_DAY, testPrefix } from '../helpers/test-services.ts';
import { until } from '../helpers/until.ts';

const CURRENT = '"skeletal metastas*"[tiab]';
const DRAFT = '"skeletal metastas*"[tiab] NOT "case reports"[pt]';
/** Only a guard against a hang: the start is awaited on its "ready" line, however slow the machine. */
const HANG_MS = 180_000;

/**
 * `npm start` with the embedded database (no DATABASE_URL), and the CLI commands an admin runs
 * beside it (issue 23): each answers through the running litwatch's socket instead of being
 * refused; once that litwatch is killed outright, they open the folder themselves.
 */
describe('the CLI beside a running litwatch with the embedded database', () => {
  const prefix = testPrefix('beside');
  const dir = mkdtempSync(path.join(tmpdir(), 'litwatch-beside-'));
  let ncbi: FakeNcbi;
  let env: NodeJS.ProcessEnv;
  let service: ReturnType<typeof spawnCli>;

  before(async () => {
    ncbi = await new FakeNcbi().start();
    // The suite's reference day: inside the poll's and the preview's windows whether the CLI's
    // clock is the real one or pinned to that day.
    const day = REFERENCE_DAY.toISOString().slice(0, 10).replaceAll('-', '/');
    const titles: Record<string, string> = {
      '41000901': 'A case report of skeletal metastasis',
      '41000902': 'Skeletal metastasis cohort',
      '41000903': 'Skeletal metastasis registry study',
    };
    ncbi.addRecords(Object.entries(titles).map(([pmid, title]) => ({ pmid, edat: day, xml: pubmedArticleXml({ pmid, title }) })));
    ncbi.setQuery(CURRENT, ['41000901', '41000902']);
    ncbi.setQuery(DRAFT, ['41000902', '41000903']);
    env = {
      ...cliEnv({
        REDIS_URL,
        LITWATCH_PREFIX: prefix,
        ...ncbiEnv(ncbi.url),
        LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'skeletal', query: CURRENT }])),
        PORT: String(await freePort()),
      }),
      LITWATCH_DB_DIR: path.join(dir, 'db'),
    };
    delete env.DATABASE_URL; // the embedded database, as on a fresh clone
    service = spawnCli(['start'], env);
    await until(() => service.output.stderr.includes('"event":"litwatch.ready"') || service.exitCode !== null, HANG_MS);
    assert.equal(service.exitCode, null, service.output.stderr);
  });

  after(async () => {
    if (service.exitCode === null && service.signalCode === null) {
      const gone = new Promise((resolve) => service.once('close', resolve));
      service.kill('SIGKILL');
      await gone;
    }
    await ncbi.close();
    rmSync(dir, { recursive: true, force: true });
    await deletePrefix(prefix);
  });

  test('db status answers through the running litwatch, naming it', async () => {
    const { code, stdout, stderr } = await runCli(['db', 'status'], env);
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`^embedded database at .+, through the running litwatch \\(process ${service.pid}\\)\\n`));
    assert.match(stdout, /^applied {2}0001_initial/m);
  });

  test("poll --now queues the poll for the running litwatch's workers and waits for its result", async () => {
    const { code, stdout, stderr } = await runCli(['poll', 'skeletal', '--now', '--json'], env);
    assert.equal(code, 0, stderr);
    const summary = JSON.parse(stdout) as { hits: number; created: number };
    assert.deepEqual([summary.hits, summary.created], [2, 2]);
    // The service ran it: its log has the poll's completion line (the command started no worker).
    const polls = service.output.stderr.split('\n').filter((line) => line.includes('"job":"poll-watch"') && line.includes('"event":"job.completed"'));
    assert.equal(polls.length, 1, service.output.stderr);
    assert.doesNotMatch(stderr, /worker started/);
  });

  test('works, export and subscribers read and write the running litwatch’s database', async () => {
    const works = await runCli(['works', '--json'], env);
    assert.equal(works.code, 0, works.stderr);
    const pmids = works.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { pmid: string }).pmid);
    assert.deepEqual(pmids.sort(), ['41000901', '41000902']);

    const added = await runCli(['subscribers', 'add', 'reader@example.org', '--watch', 'skeletal'], env);
    assert.equal(added.code, 0, added.stderr);
    const list = await runCli(['subscribers', 'list', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(
      list.stdout
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { email: string }).email),
      ['reader@example.org'],
    );

    const preview = await runCli(['digest', 'preview', 'reader@example.org'], env);
    assert.equal(preview.code, 0, preview.stderr);

    const exported = await runCli(['export'], env);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stderr, /^exported \d+ rows\n$/m);
    assert.match(exported.stdout, /"41000901"/);
    assert.match(exported.stdout, /reader@example\.org/);
  });

  test('watch preview --config compares a draft query, not yet live, with the one in force; nothing stored', async () => {
    const draft = path.join(dir, 'watches.draft.yaml');
    writeFileSync(draft, watchesYaml([{ id: 'skeletal', query: DRAFT }]));
    const { code, stdout, stderr } = await runCli(['watch', 'preview', 'skeletal', '--days', '30', '--config', draft, '--json'], env);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout) as { changed: boolean; added: string[]; dropped: string[]; unchanged: string[]; titles: Record<string, string> };
    assert.equal(result.changed, true);
    assert.deepEqual([result.added, result.dropped, result.unchanged], [['41000903'], ['41000901'], ['41000902']]);
    assert.equal(result.titles['41000903'], 'Skeletal metastasis registry study');
    const works = await runCli(['works', '--json'], env);
    assert.equal(works.stdout.trim().split('\n').length, 2, 'nothing stored');
    const text = await runCli(['watch', 'preview', 'skeletal', '--days', '30', '--config', draft], env);
    assert.match(text.stdout, /edited query compared with the one in force\n {2}1 new, 1 dropped, 1 unchanged/);
  });

  test('once the running litwatch is killed outright, the CLI opens the folder itself', async () => {
    const gone = new Promise((resolve) => service.once('close', resolve));
    service.kill('SIGKILL'); // no cleanup: its pid file and socket stay behind
    await gone;
    const status = await runCli(['db', 'status'], env);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^embedded database at .+\n/);
    assert.doesNotMatch(status.stdout, /through the running litwatch/);
    const works = await runCli(['works', '--json'], env);
    assert.equal(works.code, 0, works.stderr);
    assert.equal(works.stdout.trim().split('\n').length, 2);
  });
});
