import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/log.ts';
import { LinkTokens } from '../../src/mail/link-tokens.ts';
import { SubscriberStore, type Subscriber } from '../../src/store/subscriber-store.ts';
import { Redis } from 'ioredis';
import { RateCounters } from '../../src/store/rate-counters.ts';
import { SignupLimits } from '../../src/subscribers/signup-limits.ts';
import { createWebApp } from '../../src/web/app.ts';
import { links } from '../../src/web/links.ts';
import type { MigratedDatabase } from '../../src/store/db/open-database.ts';
import { deletePrefix, REDIS_URL, testConfig, testDatabase, testPrefix } from '../helpers/test-services.ts';

const PUBLIC_URL = 'https://litwatch.example';
const HOUR_MS = 3600_000;
const tokens = new LinkTokens('web-pages-test-secret-0123456789abcdef');
const link = links(PUBLIC_URL, tokens);
const config = testConfig([
  { id: 'bone-metastasis', name: 'Bone metastasis', query: 'bone metastasis' },
  { id: 'mouse-models', name: 'Mouse models <of> cancer & more', query: 'mouse models' },
  { id: 'old-watch', name: 'Retired watch', query: 'old', enabled: false },
]);

const prefix = testPrefix('web');
let db: MigratedDatabase;
let store: SubscriberStore;
let redis: Redis;
let apps = 0;

before(() => {
  db = testDatabase(prefix);
  store = new SubscriberStore(db);
  redis = new Redis(REDIS_URL);
});
after(async () => {
  await db.close();
  await redis.quit();
  await deletePrefix(prefix);
});

/** One app on a free port, recording the confirmation emails and change notices it asked for. */
class TestApp {
  readonly confirmations: string[] = [];
  changes = 0;
  private server?: Server;
  private base = '';

  async start(): Promise<this> {
    // Each app counts its sign-ups under its own prefix, as if it were a fresh installation.
    apps += 1;
    const app = createWebApp({
      subscribers: store,
      tokens,
      signupLimits: new SignupLimits(new RateCounters(redis, `${prefix}:app${apps}`)),
      config: () => config,
      publicUrl: PUBLIC_URL,
      sendConfirmation: async (requestId) => void this.confirmations.push(requestId),
      subscribersChanged: async () => void (this.changes += 1),
      log: createLogger({ level: 'silent', pretty: false }),
    });
    const server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** `path` may be a link from an email: it is requested here, on its path and query. */
  fetch(path: string, init?: RequestInit): Promise<Response> {
    const url = new URL(path, PUBLIC_URL);
    return fetch(`${this.base}${url.pathname}${url.search}`, { redirect: 'manual', ...init });
  }

  post(path: string, fields: Record<string, string | string[]>): Promise<Response> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) body.append(name, v);
    return this.fetch(path, { method: 'POST', body });
  }
}

function withApp(): TestApp {
  const app = new TestApp();
  before(() => app.start());
  after(() => app.stop());
  return app;
}

let addresses = 0;
function newAddress(): string {
  addresses += 1;
  return `reader${addresses}@example.org`;
}

function newSubscriber(fields: Partial<Parameters<SubscriberStore['save']>[0]> = {}): Promise<Subscriber> {
  return store.save({ email: newAddress(), watches: ['bone-metastasis'], frequency: 'daily', ...fields }, 'self');
}

function tokenOf(url: string): string {
  return new URL(url).searchParams.get('token') ?? '';
}

function withToken(page: string, token: string): string {
  return `/${page}?${new URLSearchParams({ token })}`;
}

const VALID_SIGNUP = { email: '', watches: ['bone-metastasis', 'mouse-models'], frequency: 'weekly', timezone: 'Europe/Paris' };

describe('the subscribe page', () => {
  const app = withApp();

  test('the form lists the enabled watches by name, escaped, and no disabled one', async () => {
    const res = await app.fetch('/subscribe');
    const page = await res.text();
    assert.equal(res.status, 200);
    assert.match(page, /value="bone-metastasis"[^>]*>Bone metastasis/);
    assert.match(page, /Mouse models &lt;of&gt; cancer &amp; more/);
    assert.doesNotMatch(page, /Retired watch|old-watch/);
    assert.match(page, /name="website"/, 'has the honeypot field');
  });

  test('a bad email, no watch and an unknown frequency show the form again with a message for each', async () => {
    const res = await app.post('/subscribe', { email: 'not-an-address<b>', frequency: 'hourly', timezone: 'Mars/Olympus' });
    const page = await res.text();
    assert.equal(res.status, 422);
    assert.match(page, /Enter an email address such as name@example.org/);
    assert.match(page, /Choose at least one watch/);
    assert.match(page, /Choose daily or weekly/);
    assert.match(page, /Choose a time zone from the list/);
    assert.match(page, /value="not-an-address&lt;b&gt;"/, 'the typed address comes back, escaped');
    assert.deepEqual(app.confirmations, []);
  });

  test('a watch that is not offered is refused and the chosen values are kept', async () => {
    const res = await app.post('/subscribe', { email: newAddress(), watches: ['old-watch', 'mouse-models'], frequency: 'weekly' });
    const page = await res.text();
    assert.equal(res.status, 422);
    assert.match(page, /Choose watches from the list/);
    assert.match(page, /value="mouse-models" checked/);
    assert.match(page, /value="weekly" checked/);
    assert.deepEqual(app.confirmations, []);
  });

  test('a valid sign-up stores a request and sends one confirmation', async () => {
    const email = newAddress();
    const res = await app.post('/subscribe', { ...VALID_SIGNUP, email });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Check your inbox/);
    assert.equal(app.confirmations.length, 1);
    const request = await store.getRequest(app.confirmations[0] ?? '');
    assert.deepEqual(request && { email: request.email, watches: request.watches, frequency: request.frequency, timezone: request.timezone }, {
      email,
      watches: ['bone-metastasis', 'mouse-models'],
      frequency: 'weekly',
      timezone: 'Europe/Paris',
    });
    assert.equal(await store.findByEmail(email), undefined, 'nobody is subscribed before confirming');
  });

  test('the time zone defaults to UTC', async () => {
    const before = app.confirmations.length;
    await app.post('/subscribe', { ...VALID_SIGNUP, email: newAddress(), timezone: '' });
    assert.equal((await store.getRequest(app.confirmations[before] ?? ''))?.timezone, 'UTC');
  });

  test('an address that is already subscribed gets exactly the answer a new one gets', async () => {
    const subscribed = await newSubscriber();
    const known = await (await app.post('/subscribe', { ...VALID_SIGNUP, email: subscribed.email })).text();
    const unknown = await (await app.post('/subscribe', { ...VALID_SIGNUP, email: newAddress() })).text();
    assert.equal(known, unknown);
  });

  test('a filled honeypot gets the usual answer and sends nothing', async () => {
    const sent = app.confirmations.length;
    const res = await app.post('/subscribe', { ...VALID_SIGNUP, email: newAddress(), website: 'https://spam.example' });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Check your inbox/);
    assert.equal(app.confirmations.length, sent);
  });
});

describe('sign-up rate limits', () => {
  test('a sixth sign-up for one mailbox within the day, whatever its case or +tag, gets the usual answer but no email', async () => {
    const app = await new TestApp().start();
    try {
      const [local, domain] = newAddress().split('@') as [string, string];
      for (let i = 0; i < 6; i++) {
        const email = i % 2 ? `${local.toUpperCase()}+${i}@${domain.toUpperCase()}` : `${local}@${domain}`;
        const res = await app.post('/subscribe', { ...VALID_SIGNUP, email });
        assert.match(await res.text(), /Check your inbox/);
      }
      assert.equal(app.confirmations.length, 5);
    } finally {
      await app.stop();
    }
  });

  test('more than 20 sign-ups from one client address within the hour get 429 with Retry-After', async () => {
    const app = await new TestApp().start();
    try {
      for (let i = 0; i < 20; i++) assert.equal((await app.post('/subscribe', { ...VALID_SIGNUP, email: newAddress() })).status, 200);
      const res = await app.post('/subscribe', { ...VALID_SIGNUP, email: newAddress() });
      assert.equal(res.status, 429);
      assert.ok(Number(res.headers.get('retry-after')) > 0);
      assert.equal(app.confirmations.length, 20);
    } finally {
      await app.stop();
    }
  });
});

describe('the confirmation link', () => {
  const app = withApp();
  const newRequest = () => store.request({ email: newAddress(), watches: ['mouse-models'], frequency: 'daily', timezone: 'UTC' });

  test('opening it shows a button and confirms nothing', async () => {
    const request = await newRequest();
    const res = await app.fetch(link.confirmUrl(request.id));
    const page = await res.text();
    assert.equal(res.status, 200);
    assert.match(page, /<form method="post" action="confirm\?token=[^"]+">/);
    assert.match(page, /Confirm subscription/);
    assert.match(page, /Mouse models &lt;of&gt; cancer &amp; more/);
    assert.equal(await store.findByEmail(request.email), undefined);
    assert.ok(await store.getRequest(request.id), 'the request is still waiting');
  });

  test('posting it creates an active subscriber and links to the preferences page', async () => {
    const request = await newRequest();
    const res = await app.fetch(link.confirmUrl(request.id), { method: 'POST' });
    const page = await res.text();
    assert.equal(res.status, 200);
    const subscriber = await store.findByEmail(request.email);
    assert.equal(subscriber?.status, 'active');
    assert.deepEqual(subscriber?.watches, ['mouse-models']);
    assert.match(page, /href="https:\/\/litwatch\.example\/preferences\?token=/);
    assert.equal(app.changes, 1, 'digest schedules are told about the new subscriber');
  });

  test('confirming twice gives 410 the second time', async () => {
    const request = await newRequest();
    assert.equal((await app.fetch(link.confirmUrl(request.id), { method: 'POST' })).status, 200);
    assert.equal((await app.fetch(link.confirmUrl(request.id), { method: 'POST' })).status, 410);
    assert.equal((await app.fetch(link.confirmUrl(request.id))).status, 410);
  });

  test('a link past its 48 hours gives 410 and confirms nothing', async () => {
    const request = await newRequest();
    const old = link.confirmUrl(request.id, Date.now() - 49 * HOUR_MS);
    assert.equal((await app.fetch(old)).status, 410);
    assert.equal((await app.fetch(old, { method: 'POST' })).status, 410);
    assert.equal(await store.findByEmail(request.email), undefined);
  });

  test('a request that Redis let expire gives 410', async () => {
    const url = link.confirmUrl('req_000000000000000000000000');
    assert.equal((await app.fetch(url)).status, 410);
    assert.equal((await app.fetch(url, { method: 'POST' })).status, 410);
  });
});

describe('forged and misdirected tokens', () => {
  const app = withApp();
  let target: Subscriber;
  let other: Subscriber;
  let requestId: string;
  // Each page's genuine token, and one of another action for the same subject.
  const genuine: Record<string, () => { token: string; otherAction: string; subject: string }> = {
    confirm: () => ({ token: tokenOf(link.confirmUrl(requestId)), otherAction: tokenOf(link.unsubscribeUrl(requestId)), subject: requestId }),
    preferences: () => ({ token: tokenOf(link.preferencesUrl(target.id)), otherAction: tokenOf(link.unsubscribeUrl(target.id)), subject: target.id }),
    unsubscribe: () => ({ token: tokenOf(link.unsubscribeUrl(target.id)), otherAction: tokenOf(link.preferencesUrl(target.id)), subject: target.id }),
  };
  const forgeries: Record<string, (page: string) => string> = {
    'token with one character altered': (page) => alterOneCharacter(genuine[page]!().token),
    "token for another page's action": (page) => genuine[page]!().otherAction,
    "token naming another subscriber under the original's signature": (page) => swapSubject(genuine[page]!().token, other.id),
    'missing token': () => '',
  };

  before(async () => {
    target = await newSubscriber({ watches: ['bone-metastasis'], frequency: 'daily' });
    other = await newSubscriber();
    requestId = (await store.request({ email: newAddress(), watches: ['bone-metastasis'], frequency: 'daily', timezone: 'UTC' })).id;
  });

  for (const page of Object.keys(genuine)) {
    for (const [forgery, forge] of Object.entries(forgeries)) {
      test(`a ${forgery} on the ${page} page is refused with 400 on GET and POST, and changes nothing`, async () => {
        const path = withToken(page, forge(page));
        assert.equal((await app.fetch(path)).status, 400);
        const post = await app.post(path, { watches: 'mouse-models', frequency: 'weekly', status: 'paused', timezone: 'UTC', 'List-Unsubscribe': 'One-Click' });
        assert.equal(post.status, 400);
        assert.match(await post.text(), /This link does not work/);
        assert.deepEqual(await store.get(target.id), target);
        assert.deepEqual(await store.get(other.id), other);
        assert.ok(await store.getRequest(requestId), 'the request is still waiting');
        assert.equal(app.changes, 0);
      });
    }
  }
});

function alterOneCharacter(token: string): string {
  const i = Math.floor(token.indexOf('.') / 2);
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

/** The payload rewritten for `subject`, keeping the MAC of the original. */
function swapSubject(token: string, subject: string): string {
  const [body, mac] = token.split('.');
  const [action, , expires] = JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')) as unknown[];
  return `${Buffer.from(JSON.stringify([action, subject, expires])).toString('base64url')}.${mac}`;
}

describe('the preferences page', () => {
  const app = withApp();

  test('it shows the current choices, escaped', async () => {
    const subscriber = await newSubscriber({
      email: "o'brien+lit@example.org",
      watches: ['mouse-models', 'old-watch'],
      frequency: 'weekly',
      timezone: 'Europe/Berlin',
      sendEmpty: true,
      filters: { 'mouse-models': { include: ['MESH:D011471'], exclude: ['10090', '10116'] } },
    });
    const res = await app.fetch(link.preferencesUrl(subscriber.id));
    const page = await res.text();
    assert.equal(res.status, 200);
    assert.match(page, /o&#39;brien\+lit@example\.org/);
    assert.match(page, /value="mouse-models" checked/);
    assert.match(page, /value="bone-metastasis">/, 'an enabled watch not followed is offered, unchecked');
    assert.match(page, /value="old-watch" checked>Retired watch \(paused by the administrator\)/);
    assert.match(page, /value="weekly" checked/);
    assert.match(page, /<option selected>Europe\/Berlin<\/option>/);
    assert.match(page, /value="active" checked/);
    assert.match(page, /name="sendEmpty" value="on" checked/);
    assert.match(page, /name="include:mouse-models" value="MESH:D011471"/);
    assert.match(page, /name="exclude:mouse-models" value="10090, 10116"/);
    assert.match(page, /MESH:D011471<\/code> \(prostatic neoplasms\)/, 'the page explains the id format');
  });

  test('saving changes the watches, frequency, pause and filters, and announces the change', async () => {
    const subscriber = await newSubscriber({ sendEmpty: true });
    const changes = app.changes;
    const res = await app.post(link.preferencesUrl(subscriber.id), {
      watches: ['mouse-models', 'bone-metastasis'],
      frequency: 'weekly',
      timezone: 'America/New_York',
      status: 'paused',
      'include:bone-metastasis': 'mesh:d011471, MESH:D000069196,MESH:D011471',
      'exclude:mouse-models': ' 10090 ',
      'include:mouse-models': '',
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Your preferences are saved/);
    const saved = await store.get(subscriber.id);
    assert.deepEqual(
      saved && {
        watches: saved.watches,
        frequency: saved.frequency,
        timezone: saved.timezone,
        status: saved.status,
        sendEmpty: saved.sendEmpty,
        filters: saved.filters,
      },
      {
        watches: ['mouse-models', 'bone-metastasis'],
        frequency: 'weekly',
        timezone: 'America/New_York',
        status: 'paused',
        sendEmpty: false,
        filters: { 'bone-metastasis': { include: ['MESH:D011471', 'MESH:D000069196'] }, 'mouse-models': { exclude: ['10090'] } },
      },
    );
    assert.equal(app.changes, changes + 1);
  });

  test('resuming a paused subscriber makes it active again', async () => {
    const subscriber = await newSubscriber();
    await store.update(subscriber.id, { status: 'paused' });
    const res = await app.post(link.preferencesUrl(subscriber.id), { watches: 'bone-metastasis', frequency: 'daily', timezone: 'UTC', status: 'active' });
    assert.equal(res.status, 200);
    assert.equal((await store.get(subscriber.id))?.status, 'active');
  });

  test('a filter id in the wrong form is refused, shown as typed, and nothing is saved', async () => {
    const subscriber = await newSubscriber();
    const changes = app.changes;
    const res = await app.post(link.preferencesUrl(subscriber.id), {
      watches: 'bone-metastasis',
      frequency: 'weekly',
      timezone: 'UTC',
      status: 'paused',
      'include:bone-metastasis': 'MESH:D011471, breast <cancer>',
    });
    const page = await res.text();
    assert.equal(res.status, 422);
    assert.match(page, /&quot;breast &lt;cancer&gt;&quot; is not an id this filter knows/);
    assert.match(page, /value="MESH:D011471, breast &lt;cancer&gt;"/);
    assert.deepEqual(await store.get(subscriber.id), subscriber);
    assert.equal(app.changes, changes);
  });

  test('unticking every watch is refused with a pointer to pause or unsubscribe', async () => {
    const subscriber = await newSubscriber();
    const res = await app.post(link.preferencesUrl(subscriber.id), { frequency: 'daily', timezone: 'UTC', status: 'active' });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /Choose at least one watch \(to stop all digests, pause them or unsubscribe\)/);
    assert.deepEqual(await store.get(subscriber.id), subscriber);
  });

  test('a subscriber the admin removed gets 410', async () => {
    const subscriber = await newSubscriber();
    await store.remove(subscriber.id);
    assert.equal((await app.fetch(link.preferencesUrl(subscriber.id))).status, 410);
  });
});

describe('the unsubscribe link', () => {
  const app = withApp();

  test('opening it shows a button and changes nothing', async () => {
    const subscriber = await newSubscriber();
    const res = await app.fetch(link.unsubscribeUrl(subscriber.id));
    const page = await res.text();
    assert.equal(res.status, 200);
    assert.match(page, /<form method="post" action="unsubscribe\?token=[^"]+">/);
    assert.equal((await store.get(subscriber.id))?.status, 'active');
  });

  test('a one-click POST without cookies unsubscribes, and a second one is also 200', async () => {
    const subscriber = await newSubscriber();
    const oneClick = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' };
    const first = await app.fetch(link.unsubscribeUrl(subscriber.id), oneClick);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('set-cookie'), null);
    assert.equal((await store.get(subscriber.id))?.status, 'unsubscribed');
    const changes = app.changes;
    assert.equal((await app.fetch(link.unsubscribeUrl(subscriber.id), oneClick)).status, 200);
    assert.equal((await store.get(subscriber.id))?.status, 'unsubscribed');
    assert.equal(app.changes, changes, 'nothing to announce the second time');
  });

  test('a one-click POST sent as multipart/form-data unsubscribes too', async () => {
    const subscriber = await newSubscriber();
    const body = new FormData();
    body.set('List-Unsubscribe', 'One-Click');
    assert.equal((await app.fetch(link.unsubscribeUrl(subscriber.id), { method: 'POST', body })).status, 200);
    assert.equal((await store.get(subscriber.id))?.status, 'unsubscribed');
  });

  test('the link of a subscriber the admin removed still answers 200', async () => {
    const subscriber = await newSubscriber();
    await store.remove(subscriber.id);
    assert.equal((await app.fetch(link.unsubscribeUrl(subscriber.id), { method: 'POST' })).status, 200);
    assert.equal(await store.get(subscriber.id), undefined);
  });
});

describe('headers, limits and links', () => {
  const app = withApp();

  test('token pages are never cached and send no referrer', async () => {
    const subscriber = await newSubscriber();
    const request = await store.request({ email: newAddress(), watches: ['bone-metastasis'], frequency: 'daily', timezone: 'UTC' });
    for (const url of [link.confirmUrl(request.id), link.preferencesUrl(subscriber.id), link.unsubscribeUrl(subscriber.id), '/confirm?token=forged']) {
      const res = await app.fetch(url);
      assert.equal(res.headers.get('cache-control'), 'no-store', url);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', url);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff', url);
    }
  });

  test('the content security policy allows no script and exactly the inline stylesheet', async () => {
    const res = await app.fetch('/subscribe');
    const policy = res.headers.get('content-security-policy') ?? '';
    const stylesheet = /<style>([\s\S]*?)<\/style>/.exec(await res.text())?.[1] ?? '';
    assert.match(policy, /default-src 'none'/);
    assert.doesNotMatch(policy, /unsafe-inline|script-src/);
    assert.ok(policy.includes(`style-src 'sha256-${createHash('sha256').update(stylesheet).digest('base64')}'`), policy);
  });

  test('an unknown path gets the 404 page', async () => {
    const res = await app.fetch('/admin');
    assert.equal(res.status, 404);
    assert.match(await res.text(), /Page not found/);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  });

  test('a body over the size limit is refused with 413 and nothing is sent', async () => {
    const sent = app.confirmations.length;
    const res = await app.post('/subscribe', { ...VALID_SIGNUP, email: newAddress(), padding: 'x'.repeat(20_000) });
    assert.equal(res.status, 413);
    assert.equal(app.confirmations.length, sent);
  });

  test('links are built on the public URL, also when it has a path', () => {
    const prefixed = links('https://host.example/litwatch/', tokens);
    assert.match(prefixed.unsubscribeUrl('sub_1'), /^https:\/\/host\.example\/litwatch\/unsubscribe\?token=[\w.-]+$/);
    assert.match(prefixed.preferencesUrl('sub_1'), /^https:\/\/host\.example\/litwatch\/preferences\?token=/);
    assert.match(prefixed.confirmUrl('req_1'), /^https:\/\/host\.example\/litwatch\/confirm\?token=/);
  });

  test('confirmation links last 48 hours, preferences links a year, unsubscribe links for ever', () => {
    const now = Date.UTC(2026, 10, 27);
    const expiry = (url: string, action: 'confirm' | 'preferences' | 'unsubscribe') => tokens.verify(tokenOf(url), action, now)?.expires;
    assert.equal(expiry(link.confirmUrl('req_1', now), 'confirm'), now / 1000 + 48 * 3600);
    assert.equal(expiry(link.preferencesUrl('sub_1', now), 'preferences'), now / 1000 + 365 * 24 * 3600);
    assert.equal(expiry(link.unsubscribeUrl('sub_1'), 'unsubscribe'), undefined);
    assert.ok(tokens.verify(tokenOf(link.unsubscribeUrl('sub_1')), 'unsubscribe', Date.UTC(2100, 0, 1)));
  });
});
