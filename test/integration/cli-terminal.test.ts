import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliEnv, configDir, PROJECT_ROOT, watchesYaml } from '../helpers/cli.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { deletePrefix, deleteRateLimitKey, ncbiEnv, REDIS_URL, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

const QUERY = '"vertebral metastas*"[tiab]';
const PMIDS = ['41000801', '41000802', '41000803'];

/** `script` (util-linux) runs the command on a pseudo-terminal: litwatch sees a terminal, as an admin's shell is. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const command = [process.execPath, path.join(PROJECT_ROOT, 'bin', 'litwatch.js'), ...args].map((word) => `'${word}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { env: { LITWATCH_SOURCES: '1', ...env }, cwd: PROJECT_ROOT });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve) => child.on('close', () => resolve(output)));
}

/** The lines a terminal ends up showing text on: escape sequences dropped, redraws (\r) split. */
function shownLines(output: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences are what is removed
  const plain = output.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  return plain.split(/\r?\n|\r/).filter((line) => line.trim() !== '');
}

describe('litwatch on a terminal', {
  skip: existsSync('/usr/bin/script') ? false : 'needs script(1) from util-linux for a pseudo-terminal',
}, () => {
  const prefix = testPrefix('cli-tty');
  let ncbi: FakeNcbi;
  let env: NodeJS.ProcessEnv;
  let varDir = '';

  before(async () => {
    ncbi = await new FakeNcbi().start();
    ncbi.addRecords(PMIDS.map((pmid) => ({ pmid, edat: '2026/11/25', xml: pubmedArticleXml({ pmid, title: `Vertebral metastases ${pmid}` }) })));
    ncbi.setQuery(QUERY, PMIDS);
    // The database, migrated, before the commands open it.
    const services = testServices({ prefix, eutilsUrl: ncbi.url, config: testConfig([{ id: 'vertebral', query: QUERY }]) });
    await services.ready();
    await services.close();
    varDir = mkdtempSync(path.join(tmpdir(), 'litwatch-tty-var-'));
    env = cliEnv({
      REDIS_URL,
      LITWATCH_PREFIX: prefix,
      LITWATCH_VAR: varDir,
      LITWATCH_SECRET: 'terminal-test-secret-0123456789abcdef0123',
      DASHBOARD_PASSWORD: 'terminal-test-password',
      ...ncbiEnv(ncbi.url),
      LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'vertebral', query: QUERY }])),
    });
  });

  after(async () => {
    await ncbi.close();
    await deleteRateLimitKey(ncbi.url);
    await deletePrefix(prefix);
  });

  test('poll --now shows its progress and a one-line result; the job logs go to var/log/poll.log', async () => {
    const lines = shownLines(await onTerminal(['poll', 'vertebral', '--now'], env));
    assert.match(lines.at(-1) ?? '', /^vertebral: Entrez dates \S+, 3 hits; 3 new works, 0 updated, 0 already stored; cursor moved; 3 enrichments pending/);
    assert.deepEqual(
      lines.filter((line) => /"level"|INFO|WARN|poll\.started|job\.completed/.test(line)),
      [],
      'no log line on the terminal',
    );
    assert.ok(lines.length <= 6, `a few lines, not a log:\n${lines.join('\n')}`);
    const log = readFileSync(path.join(varDir, 'log', 'poll.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event?: string; msg: string });
    assert.ok(log.some((entry) => entry.event === 'poll.started'));
    assert.ok(log.some((entry) => entry.event === 'poll.completed'));
  });

  test('--verbose shows the log on the terminal instead, one line per entry, each key once', async () => {
    const lines = shownLines(await onTerminal(['poll', 'vertebral', '--now', '--verbose'], env));
    const completed = lines.filter((line) => line.includes('"event":"poll.completed"'));
    assert.equal(completed.length, 1, lines.join('\n'));
    // Message and fields on the same line (pino-pretty's default spreads the fields over many).
    assert.match(completed[0]!, /INFO: poll of vertebral: 0 new works, .*\{.*"window":\{.*\}/);
    assert.equal(completed[0]!.match(/"watchId"/g)?.length, 1, 'watchId once');
  });
});
