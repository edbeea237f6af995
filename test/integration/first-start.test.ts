import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { configDir, runCli, spawnCli, watchesYaml } from '../helpers/cli.ts';
import { freePort } from '../helpers/free-port.ts';
import { PATIENCE_MS, until } from '../helpers/until.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

/**
 * `npm start` with nothing configured but a Redis on 127.0.0.1:6379: no secret, no dashboard
 * credentials, no public URL, no SMTP. Only the key prefix (so the test has its own keys), the
 * port (a free one), the config folder and NCBI (nowhere: no poll runs) are given.
 */
describe('the first start, from an empty environment', () => {
  const prefix = testPrefix('first-start');
  const cwd = mkdtempSync(path.join(tmpdir(), 'litwatch-first-start-'));
  const varDir = path.join(cwd, 'var');
  let port = 0;
  let base = '';
  let env: NodeJS.ProcessEnv = {};
  let child: ReturnType<typeof spawnCli> | undefined;
  let unsubscribeUrl = '';

  async function start(): Promise<ReturnType<typeof spawnCli>> {
    const started = spawnCli(['start'], env, cwd);
    await until(() => started.output.stderr.includes('"event":"litwatch.ready"') || started.exitCode !== null, PATIENCE_MS);
    assert.equal(started.exitCode, null, started.output.stderr);
    return started;
  }

  async function stop(running: ReturnType<typeof spawnCli>): Promise<void> {
    const closed = new Promise((resolve) => running.once('close', resolve));
    running.kill('SIGTERM');
    await closed;
  }

  function logLines(stderr: string): Record<string, unknown>[] {
    return stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async function outbox(): Promise<{ subject: string; text: string }[]> {
    const dir = path.join(varDir, 'outbox');
    let files: string[] = [];
    try {
      files = readdirSync(dir);
    } catch {
      return [];
    }
    return Promise.all(
      files.map(async (file) => {
        const mail = await simpleParser(readFileSync(path.join(dir, file)));
        return { subject: mail.subject ?? '', text: mail.text ?? '' };
      }),
    );
  }

  before(async () => {
    port = await freePort();
    base = `http://localhost:${port}`;
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LITWATCH_PREFIX: prefix,
      PORT: String(port),
      LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'bone', query: 'bone metastasis' }])),
      NCBI_EUTILS_URL: 'http://127.0.0.1:9/entrez/eutils',
      LITWATCH_VOCAB: path.join(cwd, 'no-vocab'),
    };
    // A work to put in the digest, stored as a poll would have, in the embedded database the
    // first start uses (var/db under its folder: no DATABASE_URL in an empty environment).
    const services = testServices({
      prefix,
      eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
      config: testConfig([{ id: 'bone', query: 'bone metastasis' }]),
      now: () => new Date(),
      env: { DATABASE_URL: '', LITWATCH_DB_DIR: path.join(varDir, 'db') },
    });
    await services.works.upsert(makeArticle({ pmid: '41005001', doi: '10.1000/first.start', title: 'Denosumab for bone metastasis of breast cancer' }), 'bone');
    await services.close();
  });

  after(async () => {
    if (child && child.exitCode === null) await stop(child);
    await deletePrefix(prefix);
  });

  test('starts, generates a secret and a dashboard password in var/ (0600), and ends its log with the banner', async () => {
    child = await start();
    const lines = logLines(child.output.stderr);
    const secretFile = path.join(varDir, 'litwatch-secret');
    const passwordFile = path.join(varDir, 'dashboard-password');
    assert.equal(statSync(secretFile).mode & 0o777, 0o600);
    assert.equal(statSync(passwordFile).mode & 0o777, 0o600);
    assert.equal(lines.filter((l) => l.event === 'first_start.secret_generated').length, 1);
    const password = lines.find((l) => l.event === 'first_start.dashboard_password_generated');
    assert.match(String(password?.msg), new RegExp(`${base}/admin takes user "admin" and the password generated in ${passwordFile.replaceAll('/', '\\/')}`));
    // The banner closes the start-up lines (jobs may log after it, once they run).
    const ready = lines.findIndex((l) => l.event === 'litwatch.ready');
    const startup = new Set([
      'litwatch.started',
      'web.listening',
      'first_start.secret_generated',
      'first_start.dashboard_password_generated',
      'redis.started_local',
    ]);
    assert.ok(ready >= 0);
    assert.deepEqual(
      lines.slice(ready + 1).filter((l) => startup.has(String(l.event))),
      [],
      'no start-up line after the banner',
    );
    const banner = String(lines[ready]!.msg);
    for (const part of [
      `${base}/subscribe`,
      `${base}/admin (user admin, password in ${passwordFile})`,
      `outbox folder ${path.join(varDir, 'outbox')}`,
      'redis:      redis://127.0.0.1:6379',
      `key prefix ${prefix}`,
      'database:',
      secretFile,
    ])
      assert.ok(banner.includes(part), `banner: ${part}\n${banner}`);
  });

  test('/admin is never open without credentials; the generated ones let the admin in', async () => {
    assert.equal((await fetch(`${base}/admin`)).status, 401);
    const password = readFileSync(path.join(varDir, 'dashboard-password'), 'utf8').trim();
    const response = await fetch(`${base}/admin`, { headers: { Authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` } });
    assert.equal(response.status, 200);
  });

  test('/subscribe answers, and subscribing puts the confirmation in the outbox', async () => {
    assert.equal((await fetch(`${base}/subscribe`)).status, 200);
    const posted = await fetch(`${base}/subscribe`, {
      method: 'POST',
      body: new URLSearchParams({ email: 'newcomer@example.org', watches: 'bone', frequency: 'daily', timezone: 'UTC' }),
    });
    assert.equal(posted.status, 200);
    await until(async () => (await outbox()).some((m) => /Confirm/.test(m.subject)), PATIENCE_MS);
  });

  test('confirming and `digest run --now` put a digest in the outbox', async () => {
    const confirmation = (await outbox()).find((m) => /Confirm/.test(m.subject))!;
    const confirmUrl = /(http:\/\/localhost:\d+\/confirm\?token=\S+)/.exec(confirmation.text)?.[1];
    assert.ok(confirmUrl, confirmation.text);
    const confirmed = await fetch(confirmUrl, { method: 'POST' });
    assert.equal(confirmed.status, 200);
    assert.match(await confirmed.text(), /You are subscribed/);
    // The embedded database serves one process: the command runs while litwatch is stopped
    // (it runs its own workers), as a newcomer without DATABASE_URL would.
    await stop(child!);
    const run = await runCli(['digest', 'run', '--now'], env, cwd);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^1 digest sent/m);
    const digest = (await outbox()).find((m) => /new publication/.test(m.subject));
    assert.ok(digest, 'a digest in the outbox');
    assert.match(digest.text, /Denosumab for bone metastasis of breast cancer/);
    unsubscribeUrl = /Unsubscribe: (\S+)/.exec(digest.text)?.[1] ?? '';
    assert.ok(unsubscribeUrl.startsWith(`${base}/unsubscribe?token=`), unsubscribeUrl);
  });

  test('a restart keeps the same secret (links made before it still work) and the same password', async () => {
    const secret = readFileSync(path.join(varDir, 'litwatch-secret'), 'utf8');
    const password = readFileSync(path.join(varDir, 'dashboard-password'), 'utf8').trim();
    if (child!.exitCode === null && child!.signalCode === null) await stop(child!);
    child = await start();
    assert.equal(readFileSync(path.join(varDir, 'litwatch-secret'), 'utf8'), secret);
    assert.equal(readFileSync(path.join(varDir, 'dashboard-password'), 'utf8').trim(), password);
    assert.equal(logLines(child.output.stderr).filter((l) => String(l.event).startsWith('first_start.')).length, 0, 'nothing generated again');
    const page = await fetch(unsubscribeUrl);
    assert.equal(page.status, 200, 'the unsubscribe link from before the restart still verifies');
    const admin = await fetch(`${base}/admin`, { headers: { Authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` } });
    assert.equal(admin.status, 200);
  });
});
