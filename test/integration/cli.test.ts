import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliEnv, configDir, PROJECT_ROOT, runCli, watchesYaml } from '../helpers/cli.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { pubmedArticleSetXml, pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { deletePrefix, ncbiEnv, REDIS_URL, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

const SHARED_EFETCH = path.resolve(PROJECT_ROOT, '..', 'shared', 'fixtures', 'ncbi', 'pubmed-efetch');

describe('litwatch card', () => {
  const file = path.join(tmpdir(), `litwatch-cli-${process.pid}.xml`);
  before(() => {
    writeFileSync(
      file,
      pubmedArticleSetXml([
        pubmedArticleXml({
          pmid: '41000101',
          doi: '10.1016/J.JBO.2026.101',
          title: 'Calcium flux (Ca<sup>2+</sup>) and P&lt;0.001 in <i>osteolytic</i> lesions',
          abstract: { BACKGROUND: 'Bone is the commonest site.', CONCLUSIONS: 'Denosumab delayed skeletal-related events.' },
        }),
        pubmedArticleXml({ pmid: '41000102', title: 'A record without DOI' }),
      ]),
    );
  });

  test('prints one card per article in the seed format', async () => {
    const { code, stdout } = await runCli(['card', file], cliEnv({}));
    assert.equal(code, 0);
    assert.equal(stdout.match(/^# /gm)?.length, 2);
    assert.match(stdout, /^# Calcium flux \(Ca<sup>2\+<\/sup>\) and P<0\.001 in \*osteolytic\* lesions$/m);
    assert.match(stdout, /^PubMed · DOI: 10\.1016\/J\.JBO\.2026\.101 · Journal of Bone Oncology · 2026-11-20$/m);
    assert.match(stdout, /## TL;DR\n\nDenosumab delayed skeletal-related events\./);
    assert.match(stdout, /^Source: https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/41000102\/$/m);
  });

  test('--json prints one object per line with the work key', async () => {
    const { code, stdout } = await runCli(['card', '--json', file], cliEnv({}));
    assert.equal(code, 0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      lines.map((l) => [l.key, l.pmid, l.doi]),
      [
        ['10.1016/j.jbo.2026.101', '41000101', '10.1016/J.JBO.2026.101'],
        ['pmid:41000102', '41000102', null],
      ],
    );
    assert.match(String(lines[0]?.card), /^# Calcium flux/);
  });

  test('every recorded efetch file gives cards, the book record and the empty set included', {
    skip: !existsSync(SHARED_EFETCH) && '../shared fixtures not present',
  }, async () => {
    const files = ['metapub-39337530.xml', 'klortho-efetch.pubmedbook-20301295.xml', 'metapub-37909814.xml'].map((f) => path.join(SHARED_EFETCH, f));
    const { code, stdout, stderr } = await runCli(['card', '--json', ...files], cliEnv({}));
    assert.equal(code, 0, stderr);
    const cards = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { key: string; pmid: string });
    assert.deepEqual(
      cards.map((c) => [c.pmid, c.key]),
      [
        ['39337530', '10.3390/ijms251810046'],
        ['20301295', 'pmid:20301295'],
      ],
    );
  });
});

describe('litwatch --version', () => {
  test('prints the version from package.json and nothing else', async () => {
    const { version } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const { code, stdout } = await runCli([flag], cliEnv({}));
      assert.equal(code, 0);
      assert.equal(stdout, `${version}\n`);
    }
  });
});

describe('litwatch config check and a refused start', () => {
  const broken = configDir('watches:\n  - id: Bone_Mets\n    name: Bone\n    query: "bone"\n    shedule: "0 6 * * *"\n');

  test('config check prints file:line: field: problem and exits 1', async () => {
    const { code, stderr } = await runCli(['config', 'check'], cliEnv({ LITWATCH_CONFIG: broken }));
    assert.equal(code, 1);
    assert.match(stderr, /watches\.yaml:2: watches\[0\]\.id: "Bone_Mets" is not a valid id/);
    assert.match(stderr, /watches\.yaml:5: watches\[0\]\.shedule: unknown key/);
  });

  test('start refuses an invalid config with the same lines and no stack trace', async () => {
    const { code, stderr } = await runCli(['start'], cliEnv({ LITWATCH_CONFIG: broken, REDIS_URL }));
    assert.equal(code, 1);
    assert.match(stderr, /watches\.yaml:5: watches\[0\]\.shedule: unknown key/);
    assert.doesNotMatch(stderr, /\n\s+at /);
  });

  test('a port that is not a number is said in words, not as a type error', async () => {
    const { code, stderr } = await runCli(['config', 'check'], cliEnv({ PORT: 'abc' }));
    assert.equal(code, 1);
    assert.match(stderr, /^env: PORT: must be a port number, 1 to 65535, got "abc"$/m);
    assert.doesNotMatch(stderr, /NaN|expected number/);
  });

  test('a bad environment variable is named, a secret never shown', async () => {
    const { code, stderr } = await runCli(['config', 'check'], cliEnv({ NCBI_API_KEY: 'not a key!', NCBI_EUTILS_URL: 'ftp://x' }));
    assert.equal(code, 1);
    assert.match(stderr, /env: NCBI_API_KEY: /);
    assert.match(stderr, /env: NCBI_EUTILS_URL: /);
    assert.doesNotMatch(stderr, /not a key!/);
  });
});

describe('litwatch poll --now and works', () => {
  const prefix = testPrefix('cli');
  const QUERY = '"osseous metastas*"[tiab]';
  let ncbi: FakeNcbi;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    ncbi = await new FakeNcbi().start();
    ncbi.addRecords([
      {
        pmid: '41000201',
        edat: '2026/11/26',
        xml: pubmedArticleXml({ pmid: '41000201', doi: '10.1000/osseous.1', title: 'Osseous metastases on whole-body MRI' }),
      },
      { pmid: '41000202', edat: '2026/11/25', xml: pubmedArticleXml({ pmid: '41000202', title: 'Osseous metastatic burden and survival' }) },
    ]);
    ncbi.setQuery(QUERY, ['41000201', '41000202']);
    env = cliEnv({ REDIS_URL, LITWATCH_PREFIX: prefix, ...ncbiEnv(ncbi.url), LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'osseous', query: QUERY }])) });
  });

  after(async () => {
    await ncbi.close();
    await deletePrefix(prefix);
  });

  test('poll --now runs the poll through the queues and reports what it stored', async () => {
    const { code, stdout, stderr } = await runCli(['poll', 'osseous', '--now', '--json'], env);
    assert.equal(code, 0, stderr);
    const summary = JSON.parse(stdout) as { hits: number; created: number; cursorMoved: boolean };
    assert.equal(summary.hits, 2);
    assert.equal(summary.created, 2);
    assert.equal(summary.cursorMoved, true);
    // Not a terminal: progress comes as plain lines on stderr, stdout keeps the result alone.
    assert.match(stderr, /^search…$/m);
  });

  test('works --json lists the stored works with key, doi, pmid, title and watches', async () => {
    const { code, stdout } = await runCli(['works', '--json', '--watch', 'osseous'], env);
    assert.equal(code, 0);
    const works = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(works.map((w) => [w.key, w.doi, w.pmid, w.title, w.watches]).sort(), [
      ['10.1000/osseous.1', '10.1000/osseous.1', '41000201', 'Osseous metastases on whole-body MRI', ['osseous']],
      ['pmid:41000202', undefined, '41000202', 'Osseous metastatic burden and survival', ['osseous']],
    ]);
  });

  test('works --search finds stored works by full text, newest first, with the watch that matched them', async () => {
    const { code, stdout, stderr } = await runCli(['works', '--search', 'osseous MRI'], env);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, '10.1000/osseous.1\t41000201\tosseous\tOsseous metastases on whole-body MRI\n');
    assert.match(stderr, /^1 work matching "osseous MRI"$/m);
    const none = await runCli(['works', '--search', 'zebrafish', '--json'], env);
    assert.equal(none.stdout, '');
  });

  test('an unknown watch is refused with the known ones listed', async () => {
    const { code, stderr } = await runCli(['poll', 'nope', '--now'], env);
    assert.equal(code, 1);
    assert.match(stderr, /unknown watch "nope" \(watches in the config: osseous\)/);
  });
});

describe('litwatch works', () => {
  const prefix = testPrefix('cli-works');

  before(async () => {
    const services = testServices({ prefix, eutilsUrl: 'http://127.0.0.1:9/entrez/eutils', config: testConfig([{ id: 'tert', query: 'TERT' }]) });
    try {
      // Stored as card text: italics as *…*, a `<` that could open a tag as &lt;, a stray escape character.
      await services.works.upsert(
        makeArticle({ pmid: '41000901', title: '*TERT* promoter &lt;script> in\u001b[31m bone\n metastases (Ca<sup>2+</sup>, P<0.001)' }),
        'tert',
      );
    } finally {
      await services.close();
    }
  });

  after(async () => deletePrefix(prefix));

  test('prints titles as plain text: no Markdown, no HTML entities, no control characters, one line per work', async () => {
    const env = cliEnv({ REDIS_URL, LITWATCH_PREFIX: prefix, LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'tert', query: 'TERT' }])) });
    const { code, stdout, stderr } = await runCli(['works'], env);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, '10.1000/example.2024.001\t41000901\ttert\tTERT promoter <script> in[31m bone metastases (Ca2+, P<0.001)\n');
    assert.match(stderr, /^1 work$/m);
  });
});
