import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../../src/services.ts';
import type { Subscriber } from '../../src/store/subscriber-store.ts';
import { links, PREFERENCES_LINK_TTL_SECONDS, type Links } from '../../src/web/links.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

const PUBLIC_URL = 'https://litwatch.example';
const USER = 'curator';
const PASSWORD = 'correct horse battery staple';
const config = testConfig([
  { id: 'bone', name: 'Bone metastasis', query: 'bone metastasis' },
  { id: 'spine', name: 'Spine', query: 'spine' },
]);
const SAVE = { watches: 'spine', frequency: 'weekly', timezone: 'UTC', status: 'paused' };

describe('token pages against expired, replayed and cross-site requests', () => {
  const prefix = testPrefix('web-guards');
  let services: Services;
  let server: Server;
  let base = '';
  let link: Links;
  let addresses = 0;

  before(async () => {
    services = testServices({
      prefix,
      eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
      config,
      env: { LITWATCH_PUBLIC_URL: PUBLIC_URL, DASHBOARD_USER: USER, DASHBOARD_PASSWORD: PASSWORD },
    });
    link = links(PUBLIC_URL, services.tokens!);
    server = await listen(createWebServer(services), 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    server.close();
    await services.close();
    await deletePrefix(prefix);
  });

  function subscriber(): Promise<Subscriber> {
    addresses += 1;
    return services.subscribers.save({ email: `guard${addresses}@example.org`, watches: ['bone'], frequency: 'daily' }, 'self');
  }

  /** A link from an email, requested on its path and query; a form POST when fields are given. */
  function open(url: string, fields?: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const { pathname, search } = new URL(url);
    return fetch(`${base}${pathname}${search}`, { redirect: 'manual', headers, ...(fields ? { method: 'POST', body: new URLSearchParams(fields) } : {}) });
  }

  describe('expired and replayed tokens', () => {
    test('a preferences link past its year gives 410 on GET and POST, and nothing changes', async () => {
      const target = await subscriber();
      const old = link.preferencesUrl(target.id, Date.now() - (PREFERENCES_LINK_TTL_SECONDS + 60) * 1000);
      assert.equal((await open(old)).status, 410);
      assert.equal((await open(old, SAVE)).status, 410);
      assert.deepEqual(await services.subscribers.get(target.id), target);
    });

    test('a confirmation link past its 48 hours gives 410 and subscribes nobody', async () => {
      const request = await services.subscribers.request({ email: 'late@example.org', watches: ['bone'], frequency: 'daily', timezone: 'UTC' });
      const old = link.confirmUrl(request.id, Date.now() - 49 * 3600_000);
      assert.equal((await open(old, {})).status, 410);
      assert.ok(await services.subscribers.getRequest(request.id), 'the request still waits for its real link');
      assert.equal(await services.subscribers.findByEmail('late@example.org'), undefined);
    });

    test('a confirmation link replayed after use gives 410 and makes no second subscriber', async () => {
      const request = await services.subscribers.request({ email: 'twice@example.org', watches: ['bone'], frequency: 'daily', timezone: 'UTC' });
      const url = link.confirmUrl(request.id);
      assert.equal((await open(url, {})).status, 200);
      const confirmed = await services.subscribers.findByEmail('twice@example.org');
      assert.ok(confirmed);
      await services.subscribers.update(confirmed.id, { status: 'paused' });
      const before = await services.subscribers.list();
      assert.equal((await open(url, {})).status, 410);
      assert.equal((await open(url)).status, 410);
      assert.deepEqual(await services.subscribers.list(), before, 'the replay changed nothing, the pause included');
    });

    test('a preferences link replayed after the admin removed the subscriber gives 410, even once the address is back', async () => {
      const target = await subscriber();
      const url = link.preferencesUrl(target.id);
      await services.subscribers.remove(target.id);
      const again = await services.subscribers.save({ email: target.email, watches: ['bone'], frequency: 'daily' }, 'admin');
      assert.notEqual(again.id, target.id);
      assert.equal((await open(url, SAVE)).status, 410);
      assert.deepEqual(await services.subscribers.get(again.id), again);
    });
  });

  describe('cross-site form posts', () => {
    const REFUSED: Record<string, Record<string, string>> = {
      'Sec-Fetch-Site: cross-site': { 'sec-fetch-site': 'cross-site' },
      'Sec-Fetch-Site: same-site (a sibling subdomain)': { 'sec-fetch-site': 'same-site' },
      'an Origin of another site (a browser without Sec-Fetch-Site)': { origin: 'https://evil.example' },
      'Origin: null (a sandboxed frame)': { origin: 'null' },
    };
    for (const [what, headers] of Object.entries(REFUSED)) {
      test(`a preferences POST with ${what} is refused with 403 and saves nothing`, async () => {
        const target = await subscriber();
        const res = await open(link.preferencesUrl(target.id), SAVE, headers);
        assert.equal(res.status, 403);
        assert.match(await res.text(), /sent from another site/);
        assert.deepEqual(await services.subscribers.get(target.id), target);
      });
    }

    test('a confirm POST from another site is refused and the request still waits', async () => {
      const request = await services.subscribers.request({ email: 'csrf@example.org', watches: ['bone'], frequency: 'daily', timezone: 'UTC' });
      assert.equal((await open(link.confirmUrl(request.id), {}, { 'sec-fetch-site': 'cross-site' })).status, 403);
      assert.ok(await services.subscribers.getRequest(request.id));
      assert.equal(await services.subscribers.findByEmail('csrf@example.org'), undefined);
    });

    const ALLOWED: Record<string, Record<string, string>> = {
      'from its own page (Sec-Fetch-Site: same-origin)': { 'sec-fetch-site': 'same-origin', origin: 'https://litwatch.example' },
      'from a browser without Sec-Fetch-Site on the public origin': { origin: PUBLIC_URL },
      'from a client that is not a browser (no Origin, no Sec-Fetch-Site)': {},
    };
    for (const [what, headers] of Object.entries(ALLOWED)) {
      test(`a preferences POST ${what} saves`, async () => {
        const target = await subscriber();
        assert.equal((await open(link.preferencesUrl(target.id), SAVE, headers)).status, 200);
        assert.equal((await services.subscribers.get(target.id))?.status, 'paused');
      });
    }

    test('one-click unsubscribe still works from anywhere (RFC 8058 mail providers post it)', async () => {
      const target = await subscriber();
      assert.equal(
        (await open(link.unsubscribeUrl(target.id), { 'List-Unsubscribe': 'One-Click' }, { 'sec-fetch-site': 'cross-site', origin: 'https://mail.example' }))
          .status,
        200,
      );
      assert.equal((await services.subscribers.get(target.id))?.status, 'unsubscribed');
    });
  });

  describe('security headers', () => {
    const PATHS = [
      '/healthz',
      '/metrics',
      '/subscribe',
      '/preferences?token=x',
      '/confirm?token=x',
      '/unsubscribe?token=x',
      '/digests/dg-000000000000000000000000',
      '/no-such-page',
      '/admin',
      '/admin/queues',
    ];
    for (const path of PATHS) {
      test(`${path} answers with the security headers`, async () => {
        const auth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
        const res = await fetch(`${base}${path}`, { headers: path.startsWith('/admin') ? { authorization: auth } : {} });
        await res.arrayBuffer();
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
        assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
        assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
        assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin', path);
        assert.equal(res.headers.get('cross-origin-resource-policy'), 'same-origin', path);
        const csp = res.headers.get('content-security-policy') ?? '';
        assert.match(csp, /frame-ancestors 'none'/, path);
        assert.match(csp, /default-src 'none'/, path);
        assert.doesNotMatch(csp, /script-src[^;]*'unsafe-inline'/, path);
      });
    }
  });
});
