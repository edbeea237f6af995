import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Services } from '../../src/services.ts';
import type { LoginThrottleOptions } from '../../src/web/admin/login-throttle.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { deletePrefix, REDIS_URL, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

const USER = 'curator';
const PASSWORD = 'correct horse battery staple';
const config = testConfig([{ id: 'bone', query: 'bone' }]);
const THROTTLE: Partial<LoginThrottleOptions> = { slowAfter: 2, delayStepMs: 300, maxDelayMs: 600, lockAfter: 5, windowMs: 60_000 };

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** An installation's web server with these extra environment variables. */
async function serve(name: string, env: Record<string, string>): Promise<{ services: Services; base: string; close(): Promise<void> }> {
  const prefix = testPrefix(name);
  const services = testServices({
    prefix,
    eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
    config,
    env: { DASHBOARD_USER: USER, DASHBOARD_PASSWORD: PASSWORD, ...env },
  });
  const server: Server = await listen(createWebServer(services, { loginThrottle: THROTTLE }), 0);
  return {
    services,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await services.close();
      await deletePrefix(prefix);
    },
  };
}

describe('dashboard logins from one address behind a trusted proxy (TRUST_PROXY=loopback)', () => {
  let app: Awaited<ReturnType<typeof serve>>;
  before(async () => (app = await serve('admin-throttle', { TRUST_PROXY: 'loopback' })));
  after(() => app.close());

  function login(client: string, password: string): Promise<Response> {
    return fetch(`${app.base}/admin`, { headers: { authorization: basic(USER, password), 'x-forwarded-for': client } });
  }

  test('wrong passwords are answered at once, then slowed down, then refused with 429 and Retry-After, the right one included', async () => {
    const attacker = '203.0.113.7';
    const timings: number[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const start = Date.now();
      const res = await login(attacker, `guess ${i}`);
      await res.arrayBuffer();
      statuses.push(res.status);
      timings.push(Date.now() - start);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401]);
    assert.ok(timings[2]! >= 300 && timings[3]! >= 600, `the third and fourth wrong guesses wait: ${timings.join(', ')} ms`);
    const fifth = await login(attacker, 'guess 4');
    assert.equal(fifth.status, 429);
    assert.ok(Number(fifth.headers.get('retry-after')) > 50, String(fifth.headers.get('retry-after')));
    assert.equal((await login(attacker, PASSWORD)).status, 429, 'the right password from a refused address is refused too');
  });

  test('the admin at another address still gets in', async () => {
    assert.equal((await login('198.51.100.2', PASSWORD)).status, 200);
  });

  test('a browser visit without credentials is no guess and is not counted', async () => {
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${app.base}/admin`, { headers: { 'x-forwarded-for': '192.0.2.44' } });
      assert.equal(res.status, 401);
      assert.match(String(res.headers.get('www-authenticate')), /^Basic/);
    }
    assert.equal((await login('192.0.2.44', PASSWORD)).status, 200);
  });

  test('parallel guesses are all counted: a burst cannot get more than the limit past', async () => {
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => login('203.0.113.99', `burst ${i}`).then((r) => r.status)));
    assert.equal(statuses.filter((s) => s === 401).length, 4, statuses.join());
    assert.equal(statuses.filter((s) => s === 429).length, 8, statuses.join());
  });
});

describe('dashboard logins without TRUST_PROXY', () => {
  let app: Awaited<ReturnType<typeof serve>>;
  before(async () => (app = await serve('admin-no-proxy', {})));
  after(() => app.close());

  test('a client cannot dodge the count by making up X-Forwarded-For addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${app.base}/admin`, { headers: { authorization: basic(USER, `guess ${i}`), 'x-forwarded-for': `10.0.0.${i}` } });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429]);
  });
});

describe('bull-board with DASHBOARD_READ_ONLY=true', () => {
  let app: Awaited<ReturnType<typeof serve>>;
  const auth = { authorization: basic(USER, PASSWORD), 'content-type': 'application/json' };

  before(async () => {
    app = await serve('admin-read-only', { DASHBOARD_READ_ONLY: 'true' });
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker('mail', async () => Promise.reject(new Error('smtp down')), { connection, prefix: app.services.env.LITWATCH_PREFIX });
    await app.services.queues.mail.add('boom', {}, { attempts: 1, jobId: 'boom-1' });
    while ((await app.services.queues.mail.getFailedCount()) === 0) await new Promise((r) => setTimeout(r, 20));
    await worker.close();
    await connection.quit();
    await app.services.queues.poll.add('waiting', {}, { jobId: 'waiting-1' });
  });
  after(() => app.close());

  test('its API says every queue is read-only', async () => {
    const res = await fetch(`${app.base}/admin/queues/api/queues`, { headers: auth });
    const body = (await res.json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    assert.ok(body.queues.length > 0);
    assert.deepEqual(
      body.queues.filter((q) => !q.readOnlyMode).map((q) => q.name),
      [],
    );
  });

  const WRITES: [string, string, object?][] = [
    ['PUT', '/api/queues/mail/retry/failed'],
    ['PUT', '/api/queues/mail/clean/failed'],
    ['PUT', '/api/queues/mail/boom-1/retry/failed'],
    ['PUT', '/api/queues/mail/boom-1/remove'],
    ['PUT', '/api/queues/poll/pause'],
    ['PUT', '/api/queues/poll/empty'],
    ['PUT', '/api/queues/poll/obliterate', {}],
    // Pausing every queue answers 200 and skips each read-only queue (bull-board's pauseAll).
    ['PUT', '/api/queues/pause'],
    ['POST', '/api/queues/poll/add', { name: 'injected', data: {} }],
  ];
  for (const [method, path, body] of WRITES) {
    test(`${method} ${path} changes nothing`, async () => {
      const res = await fetch(`${app.base}/admin/queues${path}`, { method, headers: auth, body: JSON.stringify(body ?? {}) });
      if (path !== '/api/queues/pause') assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${await res.text()}`);
      const { mail, poll } = app.services.queues;
      assert.equal(await mail.getFailedCount(), 1);
      assert.ok(await mail.getJob('boom-1'));
      assert.equal(await poll.isPaused(), false);
      assert.deepEqual(
        (await poll.getWaiting()).map((j) => j.id),
        ['waiting-1'],
      );
    });
  }
});
