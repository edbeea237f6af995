import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { syncSchedulers } from '../../src/queue/sync-schedulers.ts';
import type { Services } from '../../src/services.ts';
import { digestId } from '../../src/store/digest-store.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { deletePrefix, REDIS_URL, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

const USER = 'curator';
const PASSWORD = 'correct horse battery staple';
const config = testConfig([
  { id: 'bone', name: 'Bone <metastasis> & spread', query: 'bone metastasis[tiab] AND "breast"' },
  { id: 'retired', name: 'Retired watch', query: 'old query', enabled: false },
]);

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

const AUTH = basic(USER, PASSWORD);

describe('the admin pages, /healthz and /metrics of a seeded installation', () => {
  const prefix = testPrefix('admin');
  let services: Services;
  let server: Server;
  let base = '';
  let doiKey = '';
  let subscriberId = '';

  /** GET a path of the server, with these credentials (none when undefined). */
  function get(path: string, auth?: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${base}${path}`, { headers: { ...(auth ? { authorization: auth } : {}), ...headers }, redirect: 'manual' });
  }

  async function page(path: string): Promise<string> {
    const response = await get(path, AUTH);
    assert.equal(response.status, 200, path);
    return response.text();
  }

  before(async () => {
    services = testServices({ prefix, eutilsUrl: 'http://127.0.0.1:9/entrez/eutils', config, env: { DASHBOARD_USER: USER, DASHBOARD_PASSWORD: PASSWORD } });
    await seed();
    server = await listen(createWebServer(services), 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    server.close();
    await services.close();
    await deletePrefix(prefix);
  });

  /** Two works (one keyed by a DOI with a `/`), two polls, five NCBI errors, a subscriber, digests, a failed job. */
  async function seed(): Promise<void> {
    doiKey = (await services.works.upsert(makeArticle({ pmid: '39000001', doi: '10.1000/Bone.2026.001', title: 'Osteoclasts in bone metastasis' }), 'bone'))
      .key;
    await services.works.upsert(makeArticle({ pmid: '39000002', doi: undefined, title: 'Sclerostin and skeletal events' }), 'bone');
    await services.metrics.recordPoll('bone', { ok: true, found: 2, query: config.watches[0]!.query });
    await services.metrics.recordPoll('retired', { ok: false, error: 'esearch failed: HTTP 500 <html>' });
    await services.metrics.add('polls_total', 2);
    await services.metrics.add('polls_failed_total', 1);
    for (let i = 0; i < 5; i++) await services.metrics.ncbiRequest('error');
    await syncSchedulers(services.queues.poll, config.watches);
    const subscriber = await services.subscribers.save(
      { email: 'reader@example.org', watches: ['bone'], frequency: 'weekly', timezone: 'Europe/Paris' },
      'admin',
    );
    subscriberId = subscriber.id;
    await seedDigests(subscriberId);
    await failOneMailJob();
  }

  async function seedDigests(subscriber: string): Promise<void> {
    const digest = (period: string) => ({
      id: digestId(subscriber, period),
      subscriberId: subscriber,
      period,
      subject: 'Digest',
      html: '<p>x</p>',
      text: 'x',
      workKeys: [doiKey],
      notices: [],
      createdAt: Date.now(),
    });
    await services.digests.create(digest('2026-W47'));
    await services.digests.markFailed({ id: digestId(subscriber, '2026-W47'), subscriberId: subscriber }, 'SMTP 550 <mailbox unavailable>', true);
    await services.digests.create(digest('2026-W48'));
  }

  async function failOneMailJob(): Promise<void> {
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker('mail', async () => Promise.reject(new Error('smtp <down>')), { connection, prefix });
    await services.queues.mail.add('boom', {}, { attempts: 1 });
    while ((await services.queues.mail.getFailedCount()) === 0) await new Promise((r) => setTimeout(r, 20));
    await worker.close();
    await connection.quit();
  }

  const ADMIN_PATHS = () => [
    '/admin',
    '/admin/subscribers',
    '/admin/cards',
    `/admin/cards/${encodeURIComponent(doiKey)}`,
    '/admin/queues',
    '/admin/queues/api/queues',
  ];

  describe('HTTP Basic auth', () => {
    test('every admin route answers 401 with a Basic challenge when no credentials are sent', async () => {
      for (const path of ADMIN_PATHS()) {
        const response = await get(path);
        assert.equal(response.status, 401, path);
        assert.equal(response.headers.get('www-authenticate'), 'Basic realm="litwatch admin"', path);
      }
    });

    test('a wrong password, a wrong user name or a malformed header is refused like no credentials', async () => {
      for (const auth of [basic(USER, 'wrong password 123'), basic('someone', PASSWORD), basic(USER, `${PASSWORD}x`), 'Basic !!!', `Bearer ${PASSWORD}`]) {
        const response = await get('/admin', auth);
        assert.equal(response.status, 401, auth);
        assert.equal(response.headers.get('www-authenticate'), 'Basic realm="litwatch admin"');
      }
    });

    test('with the right credentials every admin route answers 200', async () => {
      for (const path of ADMIN_PATHS()) assert.equal((await get(path, AUTH)).status, 200, path);
    });

    test('a write from another site is refused even with credentials', async () => {
      const response = await fetch(`${base}/admin/queues/api/queues/poll/pause`, {
        method: 'PUT',
        headers: { authorization: AUTH, 'sec-fetch-site': 'cross-site' },
      });
      assert.equal(response.status, 403);
      assert.equal(await services.queues.poll.isPaused(), false);
    });
  });

  describe('the overview', () => {
    test('flags every failing health check at the top, with its detail', async () => {
      const body = await page('/admin');
      const flags = body.slice(body.indexOf('id="health-flags"'), body.indexOf('id="watches"'));
      assert.ok(body.indexOf('id="health-flags"') < body.indexOf('id="watches"'), 'the flags come before the watches');
      assert.match(flags, /class="flag" data-event="ncbi\.error_streak"/);
      assert.match(flags, /5 requests to NCBI failed in a row \(they are retried\); the last: error/);
      assert.match(flags, /data-event="queue\.failing" data-subject="mail"/);
      assert.match(flags, /smtp &lt;down&gt;/);
    });

    test('shows each watch with its name, query, schedule, polls, works and a 30-day chart, everything escaped', async () => {
      const body = await page('/admin');
      const watch = section(body, 'data-watch-id="bone"');
      assert.match(watch, /Bone &lt;metastasis&gt; &amp; spread/);
      assert.doesNotMatch(body, /Bone <metastasis>/);
      assert.match(watch, /class="watch-query"><code>bone metastasis\[tiab\] AND &quot;breast&quot;<\/code>/);
      assert.match(watch, /<code>0 6 \* \* \*<\/code> \(UTC\)/);
      assert.match(watch, /class="watch-last-poll"><time datetime="[^"]+">[^<]+<\/time>, <span class="state-ok" data-state="ok">ok<\/span>/);
      assert.match(watch, /class="watch-next-poll"><time datetime="/);
      assert.match(watch, /class="watch-works" data-count="2">2</);
      assert.match(watch, /<svg class="chart" id="chart-bone" role="img" aria-labelledby="chart-bone-title chart-bone-desc"/);
      assert.match(watch, /<desc id="chart-bone-desc">2 works found from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d, on 1 of 30 days/);
      assert.equal(watch.match(/<rect /g)?.length, 30);
      assert.match(body, /id="total-works">2</);
      assert.match(watch, /class="watch-feeds"><a href="\/feeds\/bone\.atom">Atom<\/a> · <a href="\/feeds\/bone\.json">JSON Feed<\/a>/);
    });

    test('lists the disabled watch too, with its failed last poll and its error', async () => {
      const watch = section(await page('/admin'), 'data-watch-id="retired"');
      assert.match(watch, /data-enabled="false"/);
      assert.match(
        watch,
        /<span class="state-failed" data-state="failed">failed<\/span>: <span class="watch-error">esearch failed: HTTP 500 &lt;html&gt;<\/span>/,
      );
      assert.match(watch, /none: the watch is disabled/);
    });

    test('lists pending and failed digests and the failed jobs of each queue', async () => {
      const body = await page('/admin');
      assert.match(body, /<li data-status="failed">failed: <strong>1<\/strong><\/li>/);
      assert.match(body, /<li data-status="pending">pending: <strong>1<\/strong><\/li>/);
      assert.match(body, new RegExp(`class="digest" data-digest-id="${digestId(subscriberId, '2026-W47')}" data-status="failed"`));
      assert.match(body, /SMTP 550 &lt;mailbox unavailable&gt;/);
      assert.match(section(body, 'class="queue" data-queue="mail"'), /<td data-state="failed" class="state-failed">1<\/td>/);
      assert.match(section(body, 'class="queue" data-queue="poll"'), /<td data-state="failed" class="">0<\/td>/);
    });

    test('shows the database size and the rows of each durable table', async () => {
      const body = await page('/admin');
      const size = Number(/id="database-size" data-bytes="(\d+)"/.exec(body)?.[1]);
      assert.ok(size > 1_000_000, `database size ${size}`);
      assert.match(body, /PostgreSQL \(DATABASE_URL\)/);
      assert.match(body, /<tr data-table="works"><th scope="row"><code>works<\/code><\/th><td>2<\/td><\/tr>/);
      assert.match(body, /<tr data-table="subscribers"><th scope="row"><code>subscribers<\/code><\/th><td>1<\/td><\/tr>/);
    });

    test('links to bull-board, the subscribers and the recent cards', async () => {
      const body = await page('/admin');
      for (const href of ['/admin/queues', '/admin/subscribers', '/admin/cards', '/admin/queues/queue/mail']) assert.ok(body.includes(`href="${href}"`), href);
    });
  });

  test("the subscribers page shows each subscriber's address, status, origin, watches, frequency and time zone", async () => {
    const row = section(await page('/admin/subscribers'), `data-subscriber-id="${subscriberId}"`);
    assert.match(row, /class="subscriber-email">reader@example\.org</);
    assert.match(row, /class="subscriber-status state-ok">active</);
    assert.match(row, /class="subscriber-origin">admin</);
    assert.match(row, /<li data-watch-id="bone">Bone &lt;metastasis&gt; &amp; spread<\/li>/);
    assert.match(row, /class="subscriber-frequency">weekly</);
    // A line may end after the slash (<wbr>), never inside a word.
    assert.match(row, /class="subscriber-timezone">Europe\/<wbr>Paris</);
  });

  describe('the cards', () => {
    test('the cards page renders the most recent works as cards, newest first', async () => {
      const body = await page('/admin/cards');
      assert.equal(body.match(/<table role="presentation" class="card"/g)?.length, 2);
      assert.ok(body.indexOf('Sclerostin and skeletal events') < body.indexOf('Osteoclasts in bone metastasis'));
      assert.ok(body.includes(`href="/admin/cards/${encodeURIComponent(doiKey)}"`));
    });

    test('the search box finds stored works by full text, newest first, with the watch that matched them', async () => {
      const body = await page(`/admin/cards?q=${encodeURIComponent('osteoclasts metastasis')}`);
      assert.match(body, /<form id="card-search" method="get" action="\/admin\/cards" role="search">/);
      assert.match(body, /value="osteoclasts metastasis"/);
      assert.equal(body.match(/<table role="presentation" class="card"/g)?.length, 1);
      assert.match(body, /Osteoclasts in bone metastasis/);
      assert.doesNotMatch(body, /Sclerostin and skeletal events/);
      assert.match(body, /Matched: Bone &lt;metastasis&gt; &amp; spread/);
      const none = await page(`/admin/cards?q=${encodeURIComponent('<b>zebrafish</b>')}`);
      assert.match(none, /No stored work matches “&lt;b&gt;zebrafish&lt;\/b&gt;”/);
    });

    test('one card is found by its DOI key, whether its slash is encoded or not', async () => {
      assert.ok(doiKey.includes('/'));
      for (const path of [`/admin/cards/${encodeURIComponent(doiKey)}`, `/admin/cards/${doiKey}`]) {
        const body = await page(path);
        assert.match(body, /<h1>Osteoclasts in bone metastasis<\/h1>/, path);
        assert.equal(body.match(/class="card"/g)?.length, 1, path);
        assert.match(body, /Matched: Bone &lt;metastasis&gt; &amp; spread/);
      }
    });

    test('an unknown key is a 404 page that says so', async () => {
      const response = await get(`/admin/cards/${encodeURIComponent('10.9999/none')}`, AUTH);
      assert.equal(response.status, 404);
      assert.match(await response.text(), /No work is stored under the key <code>10\.9999\/none<\/code>/);
    });
  });

  describe('content security policies', () => {
    test('admin pages allow no script, and only hashed stylesheets', async () => {
      const policy = (await get('/admin', AUTH)).headers.get('content-security-policy') ?? '';
      assert.match(policy, /default-src 'none'/);
      assert.match(policy, /style-src 'sha256-[^']+' 'sha256-[^']+'/);
      assert.doesNotMatch(policy, /script-src|unsafe-inline/);
    });

    test("cards may use the email's inline style attributes, and still no script", async () => {
      const policy = (await get('/admin/cards', AUTH)).headers.get('content-security-policy') ?? '';
      assert.match(policy, /style-src-attr 'unsafe-inline'/);
      assert.doesNotMatch(policy, /script-src/);
    });

    test("bull-board's path lets its own scripts and styles load, from this origin only", async () => {
      const policy = (await get('/admin/queues', AUTH)).headers.get('content-security-policy') ?? '';
      assert.match(policy, /script-src 'self'(;|$)/);
      assert.match(policy, /style-src 'self' 'unsafe-inline'/);
      assert.match(policy, /frame-ancestors 'none'/);
    });
  });

  test('bull-board serves its page, its scripts and its API for every queue', async () => {
    const body = await page('/admin/queues');
    assert.match(body, /<base href="\/admin\/queues\/"/);
    assert.match(body, /<title>litwatch queues<\/title>/);
    const script = /<script defer src="(static\/js\/main\.[^"]+\.js)"/.exec(body)?.[1];
    assert.ok(script, 'a script in the page');
    const asset = await get(`/admin/queues/${script}`, AUTH);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    const api = (await (await get('/admin/queues/api/queues', AUTH)).json()) as { queues: { name: string; counts: Record<string, number> }[] };
    assert.deepEqual(api.queues.map((q) => q.name).sort(), ['digest', 'enrich', 'fetch', 'fulltext', 'mail', 'poll']);
    assert.equal(api.queues.find((q) => q.name === 'mail')?.counts.failed, 1);
  });

  test('/healthz answers 200 without credentials, with the failing checks only, while Redis answers', async () => {
    const response = await get('/healthz');
    assert.equal(response.status, 200);
    const health = (await response.json()) as { status: string; redis: string; checks: { event: string; subject?: string; ok: boolean; detail: string }[] };
    assert.equal(health.status, 'degraded');
    assert.equal(health.redis, 'ok');
    assert.ok(health.checks.every((check) => !check.ok));
    assert.deepEqual(health.checks.map((check) => `${check.event} ${check.subject ?? ''}`.trim()).sort(), ['ncbi.error_streak', 'queue.failing mail']);
  });

  describe('/metrics', () => {
    test('answers in Prometheus text format without credentials, with every litwatch metric', async () => {
      const response = await get('/metrics');
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      for (const name of [
        'litwatch_polls_total',
        'litwatch_polls_failed_total',
        'litwatch_works_created_total',
        'litwatch_ncbi_requests_total',
        'litwatch_ncbi_rate_limited_total',
        'litwatch_ncbi_errors_total',
        'litwatch_ncbi_error_streak',
        'litwatch_digests_sent_total',
        'litwatch_digests_failed_total',
        'litwatch_works_total',
        'litwatch_queue_jobs',
        'litwatch_health_check_ok',
      ]) {
        assert.match(text, new RegExp(`^# TYPE ${name} (counter|gauge)$`, 'm'), name);
      }
    });

    test('reports the values the seed makes predictable, read from Redis', async () => {
      const text = await (await get('/metrics')).text();
      for (const line of [
        'litwatch_works_total 2',
        'litwatch_polls_total 2',
        'litwatch_polls_failed_total 1',
        'litwatch_ncbi_requests_total 5',
        'litwatch_ncbi_errors_total 5',
        'litwatch_ncbi_rate_limited_total 0',
        'litwatch_ncbi_error_streak 5',
        'litwatch_queue_jobs{queue="mail",state="failed"} 1',
        'litwatch_queue_jobs{queue="poll",state="delayed"} 1',
        'litwatch_health_check_ok{event="ncbi.error_streak",subject=""} 0',
        'litwatch_health_check_ok{event="queue.failing",subject="mail"} 0',
        'litwatch_health_check_ok{event="queue.failing",subject="poll"} 1',
      ]) {
        assert.ok(text.split('\n').includes(line), `${line} in\n${text}`);
      }
    });
  });
});

/** The element opening at `marker`, up to the next element of the same kind (`<section`, `<tr`). */
function section(body: string, marker: string): string {
  const start = body.indexOf(marker);
  assert.ok(start >= 0, `${marker} on the page`);
  const tag = body.slice(body.lastIndexOf('<', start), start).split(/\s/)[0]!;
  const end = body.indexOf(tag, start);
  return body.slice(start, end < 0 ? undefined : end);
}
