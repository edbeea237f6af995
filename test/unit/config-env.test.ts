import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ConfigError } from '../../src/config/config-errors.ts';
import { loadEnv, ncbiRequestsPerSecond } from '../../src/config/env.ts';

/** The message of the ConfigError `loadEnv(source)` throws. */
function envErrorMessage(source: Record<string, string>): string {
  try {
    loadEnv(source);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail('loadEnv accepted a bad environment');
}

describe('loadEnv', () => {
  test('REDIS_CLUSTER_NODES takes host:port or redis URLs, is refused beside REDIS_URL, and never quotes its value', () => {
    assert.deepEqual(loadEnv({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, rediss://u:p%40ss@10.0.0.2:7001' }).REDIS_CLUSTER_NODES, {
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
      ],
      tls: false,
    });
    assert.deepEqual(loadEnv({ REDIS_CLUSTER_NODES: 'rediss://u:p%40ss@10.0.0.2:7001' }).REDIS_CLUSTER_NODES, {
      nodes: [{ host: '10.0.0.2', port: 7001 }],
      username: 'u',
      password: 'p@ss',
      tls: true,
    });
    const bad = envErrorMessage({ REDIS_CLUSTER_NODES: 'redis://u:secretword@h' });
    assert.match(bad, /env: REDIS_CLUSTER_NODES: must be nodes separated by commas/);
    assert.doesNotMatch(bad, /secretword/);
    assert.match(
      envErrorMessage({ REDIS_URL: 'redis://h:6379', REDIS_CLUSTER_NODES: 'h:7000' }),
      /env: REDIS_CLUSTER_NODES: set REDIS_URL \(one Redis\) or REDIS_CLUSTER_NODES \(a Redis Cluster\), not both/,
    );
  });

  test('an empty environment gives the documented defaults', () => {
    assert.deepEqual(loadEnv({}), {
      REDIS_URL: undefined,
      REDIS_CLUSTER_NODES: undefined,
      DATABASE_URL: undefined,
      DATABASE_POOL_SIZE: 10,
      LITWATCH_DB_DIR: path.resolve('var/db'),
      SMTP_URL: undefined,
      NCBI_EUTILS_URL: 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils',
      NCBI_API_KEY: undefined,
      NCBI_EMAIL: undefined,
      NCBI_MAX_REPLY_BYTES: 64 * 1024 * 1024,
      NCBI_TOOL: 'litwatch',
      LITWATCH_CONFIG: path.resolve('config'),
      LITWATCH_PREFIX: 'litwatch',
      PUBTATOR_URL: 'https://www.ncbi.nlm.nih.gov/research/pubtator3-api',
      PMC_IDCONV_URL: 'https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/',
      LITWATCH_VOCAB: path.resolve('var/vocab'),
      SUMMARISER_URL: undefined,
      SUMMARISER_MODEL: 'gpt-4o-mini',
      SUMMARISER_API_KEY: undefined,
      SUMMARISER_TIMEOUT_MS: 8000,
      LITWATCH_SECRET: undefined,
      LITWATCH_PUBLIC_URL: 'http://localhost:3000',
      DASHBOARD_USER: undefined,
      DASHBOARD_PASSWORD: undefined,
      DASHBOARD_READ_ONLY: false,
      TRUST_PROXY: false,
      LITWATCH_LOCK_MS: 30000,
      LITWATCH_CONFIG_POLL_MS: 5000,
      LITWATCH_SEND_LEASE_MS: 60000,
      LITWATCH_SHUTDOWN_MS: 25000,
      LITWATCH_CLOCK: undefined,
      PORT: 3000,
      HOST: '127.0.0.1',
      LITWATCH_OUTBOX: path.resolve('var/outbox'),
      LITWATCH_VAR: path.resolve('var'),
      LOG_LEVEL: 'info',
    });
  });

  test('the public URL defaults to localhost on PORT', () => {
    assert.equal(loadEnv({ PORT: '8080' }).LITWATCH_PUBLIC_URL, 'http://localhost:8080');
    assert.equal(loadEnv({ PORT: '8080', LITWATCH_PUBLIC_URL: 'https://lw.example.org/' }).LITWATCH_PUBLIC_URL, 'https://lw.example.org');
  });

  test('an empty value counts as not set', () => {
    const env = loadEnv({ REDIS_URL: '', LITWATCH_PREFIX: '', NCBI_EMAIL: '' });
    assert.equal(env.REDIS_URL, undefined);
    assert.equal(env.LITWATCH_PREFIX, 'litwatch');
    assert.equal(env.NCBI_EMAIL, undefined);
  });

  test('set values are kept, the E-utilities URL loses its trailing slash and the config folder is made absolute', () => {
    const env = loadEnv({
      REDIS_URL: 'rediss://user:pw@redis.example.org:6380',
      SMTP_URL: 'smtps://user:pw@smtp.example.org:465',
      NCBI_EUTILS_URL: 'http://localhost:8080/eutils/',
      NCBI_EMAIL: 'me@example.org',
      LITWATCH_CONFIG: 'test/fixtures/config/minimal',
      LITWATCH_PREFIX: '{litwatch-test}',
      LOG_LEVEL: 'debug',
    });
    assert.equal(env.REDIS_URL, 'rediss://user:pw@redis.example.org:6380');
    assert.equal(env.NCBI_EUTILS_URL, 'http://localhost:8080/eutils');
    assert.equal(env.LITWATCH_CONFIG, path.resolve('test/fixtures/config/minimal'));
    assert.equal(env.LITWATCH_PREFIX, '{litwatch-test}');
    assert.equal(env.LOG_LEVEL, 'debug');
  });

  test('variables litwatch does not use are left out', () => {
    assert.equal(Object.hasOwn(loadEnv({ HOME: '/root' }), 'HOME'), false);
  });

  test('the result is frozen', () => {
    assert.ok(Object.isFrozen(loadEnv({})));
  });

  test('every bad variable is reported on its own line as env: NAME: problem', () => {
    const message = envErrorMessage({
      NCBI_EUTILS_URL: 'ftp://eutils.example.org',
      LITWATCH_PREFIX: 'lit watch',
      NCBI_EMAIL: 'not-an-address',
      LOG_LEVEL: 'verbose',
    });
    assert.deepEqual(message.split('\n'), [
      'env: NCBI_EUTILS_URL: must be an http:// or https:// URL, got "ftp://eutils.example.org"',
      'env: NCBI_EMAIL: must be an email address, got "not-an-address"',
      'env: LITWATCH_PREFIX: must be 1-64 letters, digits, "_" or "-", optionally in {braces} for Redis Cluster, got "lit watch"',
      'env: LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    ]);
  });

  test('a port or a duration that is not a number says so in words, quoting the value', () => {
    assert.equal(envErrorMessage({ PORT: 'abc' }), 'env: PORT: must be a port number, 1 to 65535, got "abc"');
    assert.equal(envErrorMessage({ PORT: '70000' }), 'env: PORT: must be a port number, 1 to 65535, got "70000"');
    assert.equal(envErrorMessage({ LITWATCH_LOCK_MS: '30s' }), 'env: LITWATCH_LOCK_MS: must be at least 1000 milliseconds, got "30s"');
  });

  test('the web server listens on this machine only unless HOST says otherwise', () => {
    assert.equal(loadEnv({}).HOST, '127.0.0.1');
    assert.equal(loadEnv({ HOST: '0.0.0.0' }).HOST, '0.0.0.0');
    assert.match(envErrorMessage({ HOST: 'http://0.0.0.0' }), /^env: HOST: must be an IP address or a host name/);
  });

  test('a prefix with a colon, a glob character or a stray brace is refused', () => {
    for (const prefix of ['litwatch:prod', 'lit*', 'a{b}', '{litwatch', 'x'.repeat(65)]) {
      assert.match(envErrorMessage({ LITWATCH_PREFIX: prefix }), /^env: LITWATCH_PREFIX: /, prefix);
    }
  });

  test('LITWATCH_CLOCK (tests only) is an ISO instant with a zone, read as milliseconds', () => {
    assert.equal(loadEnv({ LITWATCH_CLOCK: '2026-11-27T08:00:00Z' }).LITWATCH_CLOCK, Date.UTC(2026, 10, 27, 8));
    assert.equal(loadEnv({ LITWATCH_CLOCK: '2026-11-27T09:00:00+01:00' }).LITWATCH_CLOCK, Date.UTC(2026, 10, 27, 8));
    for (const value of ['2026-11-27', '2026-11-27T08:00:00', 'yesterday']) {
      assert.equal(
        envErrorMessage({ LITWATCH_CLOCK: value }),
        `env: LITWATCH_CLOCK: must be an ISO 8601 instant such as 2026-11-27T08:00:00Z, got ${JSON.stringify(value)}`,
      );
    }
  });

  test('a bad API key is named but its value is never shown', () => {
    const secret = 'abc123 SECRET-VALUE';
    const message = envErrorMessage({ NCBI_API_KEY: secret });
    assert.match(message, /^env: NCBI_API_KEY: /);
    assert.equal(message.includes('SECRET-VALUE'), false);
  });

  test('a Redis or SMTP URL that may hold a password is not shown when it is wrong', () => {
    const message = envErrorMessage({ REDIS_URL: 'http://user:hunter2@redis', SMTP_URL: 'mail.example.org' });
    assert.deepEqual(message.split('\n'), [
      'env: REDIS_URL: must be a redis:// or rediss:// URL (value not shown: it may hold a password)',
      'env: SMTP_URL: must be a smtp:// or smtps:// URL (value not shown: it may hold a password)',
    ]);
  });
});

describe('ncbiRequestsPerSecond', () => {
  test('allows 3 requests per second without an API key', () => {
    assert.equal(ncbiRequestsPerSecond(loadEnv({})), 3);
  });

  test('allows 10 requests per second with an API key', () => {
    assert.equal(ncbiRequestsPerSecond(loadEnv({ NCBI_API_KEY: '0123456789abcdef0123456789abcdef0123' })), 10);
  });
});
