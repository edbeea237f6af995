import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { redisAnswers } from '../../src/redis/connect-redis.ts';
import { cliEnv, configDir, runCli, watchesYaml } from '../helpers/cli.ts';
import { freePort } from '../helpers/free-port.ts';
import { deletePrefix, testPrefix } from '../helpers/test-services.ts';
import { PATIENCE_MS, until } from '../helpers/until.ts';

const hasRedisServer = (process.env.PATH ?? '').split(path.delimiter).some((dir) => existsSync(path.join(dir, 'redis-server')));

describe('a Redis that may evict keys', { skip: !hasRedisServer && 'redis-server not installed' }, () => {
  const prefix = testPrefix('evicting');
  let server: ReturnType<typeof spawn>;
  let url = '';

  before(async () => {
    // A private server of the test's own, configured the way that loses jobs.
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'allkeys-lru'], {
      stdio: 'ignore',
    });
    await until(() => redisAnswers(url, 200), PATIENCE_MS);
  });

  after(async () => {
    server.kill('SIGTERM');
    await deletePrefix(prefix);
  });

  test('litwatch start refuses it with one line saying how to set noeviction', async () => {
    const { code, stderr } = await runCli(
      ['start'],
      // A port of its own: start takes its port before it asks Redis, and 3000 may be taken here.
      cliEnv({
        REDIS_URL: url,
        LITWATCH_PREFIX: prefix,
        PORT: String(await freePort()),
        LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'bone', query: 'bone' }])),
      }),
    );
    assert.equal(code, 1);
    assert.match(
      stderr,
      /^Redis at 127\.0\.0\.1:\d+ has maxmemory-policy allkeys-lru: BullMQ needs noeviction, or queued jobs vanish under memory pressure\. Set it with `redis-cli CONFIG SET maxmemory-policy noeviction` and `maxmemory-policy noeviction` in redis\.conf \(docker compose does this already\)\.\n$/m,
    );
    assert.doesNotMatch(stderr, /\n\s+at /);
  });
});
