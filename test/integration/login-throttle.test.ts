import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { RateCounters } from '../../src/store/rate-counters.ts';
import { LoginThrottle } from '../../src/web/admin/login-throttle.ts';
import { deletePrefix, REDIS_URL, testPrefix } from '../helpers/test-services.ts';
import { until } from '../helpers/until.ts';

describe('LoginThrottle, counted in Redis', () => {
  const prefix = testPrefix('login-throttle');
  const connections: Redis[] = [];
  /** A throttle on its own Redis connection: one web process of the installation. */
  const webProcess = (options: ConstructorParameters<typeof LoginThrottle>[1]) => {
    const redis = new Redis(REDIS_URL);
    connections.push(redis);
    return new LoginThrottle(new RateCounters(redis, prefix), options);
  };

  after(async () => {
    await Promise.all(connections.map((c) => c.quit()));
    await deletePrefix(prefix);
  });

  test('counts failures per address, waits longer past slowAfter and refuses from lockAfter for a window', async () => {
    const options = { slowAfter: 2, delayStepMs: 100, maxDelayMs: 250, lockAfter: 5, windowMs: 60_000 };
    const throttle = webProcess(options);
    const verdicts = [];
    for (let i = 0; i < 5; i++) verdicts.push(await throttle.fail('203.0.113.1'));
    assert.deepEqual(verdicts.slice(0, 4), [
      { refused: false, delayMs: 0 },
      { refused: false, delayMs: 0 },
      { refused: false, delayMs: 100 },
      { refused: false, delayMs: 200 },
    ]);
    assert.equal(verdicts[4]!.refused, true);
    const locked = await throttle.refused('203.0.113.1');
    assert.ok(locked?.refused && locked.retryAfterMs > 50_000 && locked.retryAfterMs <= 60_000, JSON.stringify(locked));
    assert.equal(await throttle.refused('203.0.113.2'), undefined, 'another address is not affected');
  });

  test('a second web process, or a restarted one, sees the same count and the same lock', async () => {
    const options = { lockAfter: 4, windowMs: 60_000 };
    const [first, second] = [webProcess(options), webProcess(options)];
    await first.fail('198.51.100.9');
    await second.fail('198.51.100.9');
    await first.fail('198.51.100.9');
    assert.equal(await first.refused('198.51.100.9'), undefined);
    assert.equal((await second.fail('198.51.100.9')).refused, true, 'the fourth guess in all, across both');
    const restarted = webProcess(options);
    assert.equal((await restarted.refused('198.51.100.9'))?.refused, true);
  });

  test('an IPv6 client is locked per /64, whichever of its addresses it guesses from', async () => {
    const throttle = webProcess({ lockAfter: 3, windowMs: 60_000 });
    for (const address of ['2001:db8:5:6::1', '2001:db8:5:6::2', '2001:db8:5:6:ffff:eeee:dddd:3']) await throttle.fail(address);
    assert.equal((await throttle.refused('2001:db8:5:6:aaaa::1'))?.refused, true);
    assert.equal(await throttle.refused('2001:db8:5:7::1'), undefined);
  });

  test('forgets failures once their window is over', async () => {
    const throttle = webProcess({ slowAfter: 1, delayStepMs: 100, lockAfter: 3, windowMs: 300 });
    await throttle.fail('192.0.2.44');
    assert.deepEqual(await throttle.fail('192.0.2.44'), { refused: false, delayMs: 100 });
    // Redis expires the counter; wait for that, then the next guess is the first of a new window.
    await until(async () => (await throttle.refused('192.0.2.44')) === undefined && (await throttle.fail('192.0.2.44')).refused === false);
    assert.deepEqual(await throttle.fail('192.0.2.44'), { refused: false, delayMs: 100 }, 'the second of the new window');
  });
});
