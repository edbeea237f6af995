import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadEnv } from '../../src/config/env.ts';
import { addressKey } from '../../src/web/admin/login-throttle.ts';

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
