import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { cliEnv, configDir, runCli, spawnCli, watchesYaml } from '../helpers/cli.ts';
import { deletePrefix, REDIS_URL, testDatabase, testPrefix } from '../helpers/test-services.ts';
import { freePort } from '../helpers/free-port.ts';
import { PATIENCE_MS, until } from '../helpers/until.ts';

const CONFIG = configDir(watchesYaml([{ id: 'bone', query: 'bone' }]));

describe('the embedded database belongs to one process', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'litwatch-db-owner-'));
  const prefix = testPrefix('db-owner');
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await deletePrefix(prefix);
  });

  test('a second process on the same folder is refused with one line naming DATABASE_URL; once the first is gone, it opens', async () => {
    // The prefix keeps its queues apart; no DATABASE_URL: the embedded database in `dir`.
    const env: NodeJS.ProcessEnv = { ...cliEnv({ REDIS_URL, LITWATCH_PREFIX: prefix, LITWATCH_CONFIG: CONFIG }), LITWATCH_DB_DIR: dir };
    delete env.DATABASE_URL;
    // `start` (all roles, on a port of its own): a `--role` process without DATABASE_URL is refused (shared-settings.ts).
    const first = spawnCli(['start'], { ...env, PORT: String(await freePort()) });
    try {
      await until(() => first.output.stderr.includes('litwatch.started') || first.exitCode !== null, PATIENCE_MS);
      assert.equal(first.exitCode, null, first.output.stderr);
      const second = await runCli(['db', 'status'], env);
      assert.equal(second.code, 1);
      assert.match(
        second.stderr,
        new RegExp(
          `^The embedded database in .+ is in use by process ${first.pid}: it serves one process only\\. Stop that process, or set DATABASE_URL to a PostgreSQL server to run several\\.\\n$`,
        ),
      );
    } finally {
      first.kill('SIGTERM');
      await new Promise((resolve) => (first.exitCode !== null ? resolve(null) : first.once('exit', resolve)));
    }
    const after = await runCli(['db', 'status'], env);
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /^applied {2}0001_initial/m);
  });
});

describe('a database newer than the code', () => {
  const prefix = testPrefix('db-newer');
  after(() => deletePrefix(prefix));

  test('is refused with one line, and db status says why', async () => {
    const db = testDatabase(prefix);
    await db.ready();
    await db.query(`INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_from_the_future')`);
    await db.close();
    const env = cliEnv({ REDIS_URL, LITWATCH_PREFIX: prefix, LITWATCH_CONFIG: CONFIG });
    const works = await runCli(['works'], env);
    assert.equal(works.code, 1);
    assert.match(
      works.stderr,
      /^The database at postgres:\/\/postgres@127\.0\.0\.1:5432\/lwtest_db_newer_[0-9a-f]+ is at migration 9999, newer than this litwatch knows \(0008\): run the newer litwatch, or restore a backup made with this version\.\n$/,
    );
    const status = await runCli(['db', 'status'], env);
    assert.equal(status.code, 0);
    assert.match(status.stdout, /newer than this litwatch \(9999 > 8\)/);
  });

  test('db migrate from empty applies every migration, and again applies none', async () => {
    const fresh = testPrefix('db-fresh');
    try {
      const env = cliEnv({ LITWATCH_PREFIX: fresh });
      const first = await runCli(['db', 'migrate'], env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /^applied 0001_initial$/m);
      const again = await runCli(['db', 'migrate'], env);
      assert.equal(again.stdout, '');
      assert.match(again.stderr, /up to date/);
    } finally {
      await deletePrefix(fresh);
    }
  });
});
