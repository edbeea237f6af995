import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../../src/log.ts';
import { redisAnswers } from '../../src/redis/connect-redis.ts';
import { ensureRedis, RedisUnavailableError } from '../../src/redis/ensure-redis.ts';

const silent = createLogger({ level: 'silent' });
// A port nothing listens on, so the "no Redis running" path is taken without touching 6379.
const PORT = 16_379 + (process.pid % 1000);
const hasRedisServer = (process.env.PATH ?? '').split(path.delimiter).some((dir) => existsSync(path.join(dir, 'redis-server')));

test('REDIS_URL, when set, is used as given', async () => {
  assert.deepEqual(await ensureRedis('redis://redis.internal:6380/2', silent), { url: 'redis://redis.internal:6380/2' });
});

test('with nothing answering, a local redis-server is started with its append-only file in the data folder', {
  skip: !hasRedisServer && 'redis-server not installed',
}, async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'litwatch-redis-'));
  const handle = await ensureRedis(undefined, silent, { port: PORT, dataDir });
  try {
    assert.equal(handle.url, `redis://127.0.0.1:${PORT}`);
    assert.equal(await redisAnswers(handle.url), true);
    assert.ok(
      readdirSync(dataDir).some((name) => name.startsWith('appendonly')),
      'append-only file in the data folder',
    );
  } finally {
    await handle.stop?.();
  }
  assert.equal(await redisAnswers(handle.url), false, 'stopped with litwatch');
});

test('with nothing answering and no redis-server, one line says how to get Redis', async () => {
  const path_ = process.env.PATH;
  process.env.PATH = mkdtempSync(path.join(tmpdir(), 'litwatch-empty-path-'));
  try {
    await assert.rejects(ensureRedis(undefined, silent, { port: PORT }), (err: Error) => {
      assert.ok(err instanceof RedisUnavailableError);
      assert.doesNotMatch(err.message, /\n/);
      assert.match(err.message, /install it .*docker compose up -d redis.*REDIS_URL/);
      return true;
    });
  } finally {
    process.env.PATH = path_;
  }
});
