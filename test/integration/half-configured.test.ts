import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { cliEnv, configDir, runCli, sharedSettings, spawnCli, watchesYaml } from '../helpers/cli.ts';
import { deletePrefix, REDIS_URL, testDatabaseUrl, testPrefix } from '../helpers/test-services.ts';
import { until } from '../helpers/until.ts';

const CONFIG = configDir(watchesYaml([{ id: 'bone', query: 'bone' }]));

describe('a process started beside others refuses to run half-configured', () => {
  const prefix = testPrefix('half-configured');
  const other = testPrefix('other-database');

  after(async () => {
    await deletePrefix(prefix);
    await deletePrefix(other);
  });

  const complete = () => cliEnv({ ...sharedSettings(), REDIS_URL, LITWATCH_PREFIX: prefix, LITWATCH_CONFIG: CONFIG });

  for (const missing of ['DATABASE_URL', 'LITWATCH_SECRET', 'DASHBOARD_PASSWORD', 'LITWATCH_PUBLIC_URL', 'SMTP_URL']) {
    test(`--role worker without ${missing} is refused in one line naming it`, async () => {
      const env = complete();
      delete env[missing];
      const result = await runCli(['start', '--role', 'worker'], env);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        new RegExp(
          `^litwatch start --role worker runs beside other litwatch processes and must share their settings; set ${missing} \\(left unset, [^\\n]+\\)\\n$`,
        ),
      );
    });
  }

  test('--role scheduler without Redis settings is refused, naming both ways to give them', async () => {
    const env = complete();
    delete env.REDIS_URL;
    delete env.SMTP_URL;
    const result = await runCli(['start', '--role', 'scheduler'], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^litwatch start --role scheduler [^\n]*; set REDIS_URL \(or REDIS_CLUSTER_NODES\), SMTP_URL \(left unset, [^\n]+\)\n$/);
  });

  test('a worker on another database than the one its queues belong to is refused in one line', async () => {
    // The first worker claims the prefix's queues for the test's database.
    const first = spawnCli(['start', '--role', 'worker'], complete());
    try {
      await until(() => first.output.stderr.includes('litwatch.started') || first.exitCode !== null);
      assert.equal(first.exitCode, null, first.output.stderr);
      const foreign = { ...complete(), DATABASE_URL: testDatabaseUrl(other), LITWATCH_VAR: mkdtempSync(path.join(tmpdir(), 'litwatch-var-')) };
      const result = await runCli(['start', '--role', 'worker'], foreign);
      assert.equal(result.code, 1);
      assert.match(
        result.stderr,
        new RegExp(
          `^the queues under LITWATCH_PREFIX ${prefix} on redis://127\\.0\\.0\\.1:6379 belong to another database \\(id [0-9a-f-]{36}; this one, [^\\n]+, is [0-9a-f-]{36}\\): set DATABASE_URL to that database, or use another LITWATCH_PREFIX; if this database replaced it on purpose, delete the Redis key ${prefix}:store:database-id\\n$`,
        ),
      );
    } finally {
      first.kill('SIGTERM');
      await new Promise((resolve) => (first.exitCode !== null ? resolve(null) : first.once('exit', resolve)));
    }
  });
});
