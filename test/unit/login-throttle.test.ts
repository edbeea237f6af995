import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadEnv } from '../../src/config/env.ts';
import { addressKey, LoginThrottle } from '../../src/web/admin/login-throttle.ts';

const NOW = Date.parse('2026-11-27T08:00:00Z');

describe('LoginThrottle', () => {
  test('counts failures per address, waits longer past slowAfter and refuses from lockAfter for a window', () => {
    const throttle = new LoginThrottle({ slowAfter: 2, delayStepMs: 100, maxDelayMs: 250, lockAfter: 5, windowMs: 60_000 });
    const verdicts = Array.from({ length: 5 }, () => throttle.fail('203.0.113.1', NOW));
    assert.deepEqual(verdicts, [
      { refused: false, delayMs: 0 },
      { refused: false, delayMs: 0 },
      { refused: false, delayMs: 100 },
      { refused: false, delayMs: 200 },
      { refused: true, retryAfterMs: 60_000 },
    ]);
    assert.deepEqual(throttle.refused('203.0.113.1', NOW + 59_000), { refused: true, retryAfterMs: 1000 });
    assert.equal(throttle.refused('203.0.113.2', NOW), undefined, 'another address is not affected');
    assert.equal(throttle.refused('203.0.113.1', NOW + 60_000), undefined, 'the lock ends with its window');
  });

  test('forgets failures a window after the first one', () => {
    const throttle = new LoginThrottle({ slowAfter: 1, delayStepMs: 100, lockAfter: 3, windowMs: 1000 });
    throttle.fail('a', NOW);
    throttle.fail('a', NOW + 10);
    assert.deepEqual(throttle.fail('a', NOW + 1000), { refused: false, delayMs: 0 });
  });

  test('remembers at most maxAddresses, forgetting the oldest', () => {
    const throttle = new LoginThrottle({ lockAfter: 1, maxAddresses: 2 });
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) throttle.fail(address, NOW);
    assert.equal(throttle.refused('10.0.0.1', NOW), undefined);
    assert.ok(throttle.refused('10.0.0.3', NOW));
  });
});

describe('addressKey', () => {
  test('keeps IPv4, unwraps IPv4-mapped IPv6 and counts IPv6 per /64', () => {
    assert.equal(addressKey('203.0.113.9'), '203.0.113.9');
    assert.equal(addressKey('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(addressKey('2001:db8:0:1::5'), '2001:db8:0:1::/64');
    assert.equal(addressKey('2001:0db8:0000:0001:abcd:0:0:1'), '2001:db8:0:1::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
  });
});

describe('the dashboard variables', () => {
  test('TRUST_PROXY takes hops or addresses, and refuses true', () => {
    assert.equal(loadEnv({}).TRUST_PROXY, false);
    assert.equal(loadEnv({ TRUST_PROXY: '1' }).TRUST_PROXY, 1);
    assert.equal(loadEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY, 'loopback, 10.0.0.0/8');
    assert.throws(() => loadEnv({ TRUST_PROXY: 'true' }), /env: TRUST_PROXY: true trusts any X-Forwarded-For/);
  });

  test('DASHBOARD_READ_ONLY is read as a boolean, "false" included', () => {
    assert.equal(loadEnv({}).DASHBOARD_READ_ONLY, false);
    assert.equal(loadEnv({ DASHBOARD_READ_ONLY: 'false' }).DASHBOARD_READ_ONLY, false);
    assert.equal(loadEnv({ DASHBOARD_READ_ONLY: 'true' }).DASHBOARD_READ_ONLY, true);
    assert.throws(() => loadEnv({ DASHBOARD_READ_ONLY: 'sometimes' }), /env: DASHBOARD_READ_ONLY: must be true or false/);
  });
});
