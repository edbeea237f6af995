import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { knownMigrations } from '../../src/store/db/migrate.ts';
import { openEmbedded } from '../../src/store/db/embedded-database.ts';
import { socketFolder, socketPath } from '../../src/store/db/embedded-server.ts';
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

  test('a process holding it without serving it (a CLI command) refuses a second one with one line naming DATABASE_URL, even with a socket left behind; once it is gone, it opens', async () => {
    // The prefix keeps its queues apart; no DATABASE_URL: the embedded database in `dir`.
    const env: NodeJS.ProcessEnv = { ...cliEnv({ REDIS_URL, LITWATCH_PREFIX: prefix, LITWATCH_CONFIG: CONFIG }), LITWATCH_DB_DIR: dir };
    delete env.DATABASE_URL;
    // A socket file whose server was killed (nothing listens on it), then the folder held by this
    // process, as `litwatch export` would hold it: no server, so nothing answers on that socket.
    mkdirSync(socketFolder(dir), { recursive: true, mode: 0o700 });
    const killed = spawn(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(socketPath(dir))}, () => console.log('listening'))`,
    ]);
    await once(killed.stdout, 'data');
    killed.kill('SIGKILL');
    await once(killed, 'close');
    assert.ok(existsSync(socketPath(dir)));
    const holder = openEmbedded(dir);
    try {
      await holder.query('SELECT 1');
      for (const args of [['db', 'status'], ['works']]) {
        const second = await runCli(args, env);
        assert.equal(second.code, 1);
        // Its last line (works first says what a first start generated in LITWATCH_VAR).
        assert.match(
          second.stderr.split('\n').at(-2) ?? '',
          new RegExp(
            `^The embedded database in .+ is in use by process ${process.pid}: it serves one process only\\. Stop that process, or set DATABASE_URL to a PostgreSQL server to run several\\.$`,
          ),
        );
      }
    } finally {
      await holder.close();
    }
    const after = await runCli(['db', 'status'], env);
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /^embedded database at .+\npending {2}0001_initial\n/);
  });

  test('a second litwatch start on a folder a running one serves is refused: one process owns it', async () => {
    const env: NodeJS.ProcessEnv = { ...cliEnv({ REDIS_URL, LITWATCH_PREFIX: prefix, LITWATCH_CONFIG: CONFIG }), LITWATCH_DB_DIR: dir };
    delete env.DATABASE_URL;
    // `start` (all roles, on a port of its own): a `--role` process without DATABASE_URL is refused (shared-settings.ts).
    const first = spawnCli(['start'], { ...env, PORT: String(await freePort()) });
    try {
      await until(() => first.output.stderr.includes('litwatch.started') || first.exitCode !== null, PATIENCE_MS);
      assert.equal(first.exitCode, null, first.output.stderr);
      const second = await runCli(['start'], { ...env, PORT: String(await freePort()) });
      assert.equal(second.code, 1);
      assert.match(second.stderr, new RegExp(`^The embedded database in .+ is in use by process ${first.pid}: `));
    } finally {
      first.kill('SIGTERM');
      await new Promise((resolve) => (first.exitCode !== null ? resolve(null) : first.once('exit', resolve)));
    }
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
    // The newest migration this code knows: each one added moves it.
    const latest = knownMigrations().at(-1)!.version;
    assert.match(
      works.stderr,
      new RegExp(
        `^The database at postgres://postgres@127\\.0\\.0\\.1:5432/lwtest_db_newer_[0-9a-f]+ is at migration 9999, newer than this litwatch knows \\(${String(latest).padStart(4, '0')}\\): run the newer litwatch, or restore a backup made with this version\\.\n$`,
      ),
    );
    const status = await runCli(['db', 'status'], env);
    assert.equal(status.code, 0);
    assert.ok(status.stdout.includes(`newer than this litwatch (9999 > ${latest})`), status.stdout);
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
