import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { cliEnv, configDir, runCli, watchesYaml } from '../helpers/cli.ts';
import { deletePrefix, REDIS_URL, TEST_SECRET, testPrefix } from '../helpers/test-services.ts';

/**
 * Every error a person can meet at the CLI is one line saying what to do, with a non-zero exit
 * code and no stack trace; --verbose adds the trace. Log lines (JSON) are not errors and are
 * left out of the count.
 */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'));
}

function assertOneLine(result: { code: number | null; stderr: string }, expected: RegExp): void {
  assert.notEqual(result.code, 0, result.stderr);
  const lines = errorLines(result.stderr);
  assert.equal(lines.length, 1, `one line expected, got:\n${result.stderr}`);
  assert.match(lines[0]!, expected);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
}

describe('CLI errors: one line each, non-zero exit, no stack trace', () => {
  const prefix = testPrefix('cli-errors');
  const config = configDir(watchesYaml([{ id: 'bone', query: 'bone' }]));
  const env = cliEnv({
    REDIS_URL,
    LITWATCH_PREFIX: prefix,
    LITWATCH_CONFIG: config,
    LITWATCH_SECRET: TEST_SECRET,
    DASHBOARD_PASSWORD: 'a long test password',
    NCBI_EUTILS_URL: 'http://127.0.0.1:9/entrez/eutils',
    LOG_LEVEL: 'warn',
  });

  after(async () => {
    await deletePrefix(prefix);
  });

  const cases: [string, string[], RegExp, NodeJS.ProcessEnv?][] = [
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['a missing argument', ['poll'], /missing required argument 'watch' \(see --help\)/],
    ['a bad option value', ['works', '--limit', '0'], /--limit <n>.*must be a positive integer/],
    ['card with a file that does not exist', ['card', '/nonexistent/efetch.xml'], /cannot read \/nonexistent\/efetch\.xml: no such file or directory/],
    ['poll of an unknown watch', ['poll', 'nope', '--now'], /unknown watch "nope" \(watches in the config: bone\)/],
    ['watch preview of an unknown watch', ['watch', 'preview', 'nope'], /nope/],
    ['digest preview for an unknown address', ['digest', 'preview', 'nobody@example.org'], /no subscriber with the address nobody@example\.org/],
    [
      'digest run for an unknown address',
      ['digest', 'run', '--now', '--subscriber', 'nobody@example.org'],
      /no active subscriber with the address nobody@example\.org/,
    ],
    ['subscribers add with a bad address', ['subscribers', 'add', 'not-an-address', '--watch', 'bone'], /email: "not-an-address" is not an email address/],
    ['subscribers remove of an unknown address', ['subscribers', 'remove', 'nobody@example.org'], /no subscriber with the address/],
    ['start with an unknown role', ['start', '--role', 'chef'], /unknown role "chef"/],
    ['a bad environment variable', ['works'], /LITWATCH_PREFIX/, { LITWATCH_PREFIX: 'a:b' }],
    [
      'a Redis that does not answer',
      ['works'],
      /Redis at redis:\/\/127\.0\.0\.1:1 \(REDIS_URL\) does not answer: start it, or fix REDIS_URL/,
      { REDIS_URL: 'redis://127.0.0.1:1' },
    ],
    ['a config folder that does not exist', ['works'], /nonexistent-config/, { LITWATCH_CONFIG: '/nonexistent-config' }],
    [
      'vocab sync from a source that does not answer',
      [
        'vocab',
        'sync',
        '--dir',
        `${config}/vocab`,
        '--mesh-descriptors',
        'http://127.0.0.1:9/d.bin',
        '--mesh-supplementary',
        'http://127.0.0.1:9/c.bin',
        '--mondo',
        'http://127.0.0.1:9/m.tsv',
        '--taxonomy',
        'http://127.0.0.1:9/t.obo',
      ],
      /vocab sync failed, the vocabulary in .+ is unchanged: .*127\.0\.0\.1:9\/d\.bin failed/,
    ],
  ];

  for (const [name, args, expected, extra] of cases) {
    test(name, async () => {
      assertOneLine(await runCli(args, { ...env, ...extra }), expected);
    });
  }

  test('config check says each problem on a line of its own, as file:line: field: problem', async () => {
    const broken = configDir('watches:\n  - id: Bad_Id\n    name: x\n    query: y\n    schedule: "0 6 * *"\n');
    const result = await runCli(['config', 'check'], { ...env, LITWATCH_CONFIG: broken });
    assert.notEqual(result.code, 0);
    const lines = errorLines(result.stderr);
    assert.ok(lines.length >= 2, result.stderr);
    for (const line of lines) assert.match(line, /watches\.yaml:\d+: watches\[0\]\.\w+: /);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
  });

  test('--verbose adds the stack trace of an unexpected error', async () => {
    const result = await runCli(['card', '/nonexistent/efetch.xml', '--verbose'], env);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /cannot read \/nonexistent\/efetch\.xml/);
    assert.match(result.stderr, /ENOENT/);
  });
});
