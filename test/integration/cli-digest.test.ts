import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../../src/services.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { cliEnv, configDir, runCli, watchesYaml } from '../helpers/cli.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { deletePrefix, ncbiEnv, REDIS_URL, TEST_SECRET, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

describe('litwatch subscribers and digest commands', () => {
  const prefix = testPrefix('cli-digest');
  let smtp: SmtpSink;
  let services: Services;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    smtp = await new SmtpSink().start();
    services = testServices({ prefix, eutilsUrl: 'http://127.0.0.1:9/entrez/eutils', config: testConfig([{ id: 'bone', name: 'bone', query: 'a' }]) });
    await services.works.upsert(
      makeArticle({ pmid: '41000701', doi: '10.1000/cli.701', title: 'Denosumab and skeletal events', electronicDate: { year: 2026, month: 11, day: 26 } }),
      'bone',
    );
    env = cliEnv({
      REDIS_URL,
      LITWATCH_PREFIX: prefix,
      LITWATCH_SECRET: TEST_SECRET,
      LITWATCH_PUBLIC_URL: 'https://litwatch.test',
      SMTP_URL: smtp.url,
      LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'bone', query: 'a' }])),
      ...ncbiEnv('http://127.0.0.1:9/entrez/eutils'),
    });
  });

  after(async () => {
    await services.close();
    await smtp.close();
    await deletePrefix(prefix);
  });

  test('subscribers add refuses an unknown watch and a bad address, naming each', async () => {
    const { code, stderr } = await runCli(['subscribers', 'add', 'not-an-address', '--watch', 'lung'], env);
    assert.equal(code, 1);
    assert.match(stderr, /email: "not-an-address" is not an email address/);
    assert.match(stderr, /--watch lung: no such watch \(watches: bone\)/);
  });

  test('subscribers add and list', async () => {
    const added = await runCli(['subscribers', 'add', 'gil@example.org', '--watch', 'bone', '--timezone', 'Asia/Tokyo'], env);
    assert.equal(added.code, 0, added.stderr);
    const { stdout } = await runCli(['subscribers', 'list'], env);
    assert.match(stdout, /^gil@example\.org\tactive\tdaily\tAsia\/Tokyo\tbone\tadmin$/m);
  });

  test('digest preview shows the next digest and sends or marks nothing', async () => {
    const html = path.join(tmpdir(), `litwatch-preview-${process.pid}.html`);
    const text = await runCli(['digest', 'preview', 'gil@example.org'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^Subject: bone: 1 new publication$/m);
    assert.match(text.stdout, /Denosumab and skeletal events/);
    const textFile = path.join(tmpdir(), `litwatch-preview-${process.pid}.txt`);
    const written = await runCli(['digest', 'preview', 'gil@example.org', '--html', html, '--text', textFile], env);
    assert.equal(written.code, 0);
    assert.equal(written.stdout, '', 'with files, nothing is printed');
    assert.match(readFileSync(html, 'utf8'), /<html lang="en">[\s\S]*Denosumab and skeletal events/);
    assert.match(readFileSync(textFile, 'utf8'), /^litwatch · [\s\S]*Denosumab and skeletal events/);
    assert.match(written.stderr, /HTML part written to .+ \(\d+\.\d KB\)\ntext part written to .+ \(\d+\.\d KB\)/);
    assert.equal(smtp.messages.length, 0);
    const gil = await services.subscribers.findByEmail('gil@example.org');
    assert.equal((await services.subscribers.sent(gil!.id)).size, 0);
  });

  test('digest run --now builds and sends every due digest and waits for the sends; a second run sends nothing', async () => {
    const first = await runCli(['digest', 'run', '--now'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^1 digest sent, 0 with nothing new, 0 failed, 0 skipped$/m);
    // Progress as plain lines when not a terminal (between the log lines).
    const progress = first.stderr.split('\n').filter((line) => line.startsWith('digests '));
    assert.deepEqual(progress, ['digests built 0/1', 'digests built 1/1', 'digests sent 0/1', 'digests sent 1/1']);
    assert.equal(smtp.to('gil@example.org').length, 1);
    const second = await runCli(['digest', 'run', '--now', '--subscriber', 'gil@example.org'], env);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(smtp.to('gil@example.org').length, 1);
  });

  test('subscribers remove forgets the subscriber', async () => {
    const { code } = await runCli(['subscribers', 'remove', 'gil@example.org'], env);
    assert.equal(code, 0);
    assert.equal(await services.subscribers.findByEmail('gil@example.org'), undefined);
  });
});
