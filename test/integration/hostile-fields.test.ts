import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { DigestRun } from '../../src/digest/compose-digest.ts';
import type { Services } from '../../src/services.ts';
import { links } from '../../src/web/links.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { attributeValues, unsafeMarkup, visibleText } from '../helpers/html-safety.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

/**
 * What a hostile or broken record could carry in any field: markup, a script URL, a broken-out
 * attribute, control characters (NUL, BEL, an ANSI escape, a C1 control).
 */
const PAYLOAD = `<script>alert(1)</script> <a href="javascript:alert(2)">x</a> "><img src=x onerror=alert(3)> '><svg onload=alert(4)> \u0000\u0007\u001b[31m\u0085end`;
/** The same, as a reader must see it: every character of it as text, the control characters gone. */
const SHOWN = `<script>alert(1)</script> <a href="javascript:alert(2)">x</a> "><img src=x onerror=alert(3)> '><svg onload=alert(4)> [31mend`;
const LONG_TITLE = `${PAYLOAD} ${'Osteoclast '.repeat(909)}`.slice(0, 10_000);
/** Shown up to the title cap (2,000 characters, src/card/bounded-card.ts), then the mark saying how much is cut. */
const LONG_SHOWN = `${SHOWN} ${LONG_TITLE.slice(PAYLOAD.length + 1)}`.slice(0, 1_900);
const LONG_MARK = '… [cut: ';
const USER = 'curator';
const PASSWORD = 'correct horse battery staple';
const AUTH = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const PUBLIC_URL = 'https://litwatch.example';

const config = testConfig([{ id: 'bone', name: `Bone ${PAYLOAD}`, query: `bone[tiab] ${PAYLOAD}` }]);

describe('record fields carrying markup, script URLs, broken-out attributes, control characters and 10,000-character titles', () => {
  const prefix = testPrefix('hostile');
  let services: Services;
  let server: Server;
  let base = '';
  let workKey = '';
  let digestId = '';
  let preferencesPath = '';
  const mail = { html: '', text: '', subject: '' };

  before(async () => {
    services = testServices({
      prefix,
      eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
      config,
      env: { DASHBOARD_USER: USER, DASHBOARD_PASSWORD: PASSWORD, LITWATCH_PUBLIC_URL: PUBLIC_URL },
    });
    const article = makeArticle({
      pmid: '39111111',
      doi: `10.1000/x"><img/src=x/onerror=alert(5)><script>alert(6)</script>`,
      title: LONG_TITLE,
      vernacularTitle: PAYLOAD,
      abstract: [{ label: PAYLOAD, text: PAYLOAD }, { text: `Second part. ${PAYLOAD}` }],
      authors: [{ foreName: PAYLOAD, lastName: PAYLOAD, initials: 'X' }, { collectiveName: PAYLOAD }],
      journal: { title: PAYLOAD, isoAbbreviation: PAYLOAD, volume: PAYLOAD, issue: PAYLOAD },
      pages: PAYLOAD,
      keywords: [PAYLOAD],
      publicationTypes: [PAYLOAD],
      mesh: [{ ui: 'D000001', name: PAYLOAD, majorTopic: true, qualifiers: [] }],
    });
    workKey = (await services.works.upsert(article, 'bone')).key;
    await services.metrics.recordPoll('bone', { ok: false, error: `esearch failed: ${PAYLOAD}` });
    const subscriber = await services.subscribers.save({ email: 'reader@example.org', watches: ['bone'], frequency: 'daily' }, 'admin');
    const composed = await new DigestRun(services, new Date()).compose(subscriber);
    assert.ok(composed.email, 'the digest has the hostile work');
    Object.assign(mail, composed.email);
    digestId = composed.id;
    await services.digests.create({
      id: composed.id,
      subscriberId: subscriber.id,
      period: composed.period.key,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      workKeys: composed.assembled.workKeys,
      notices: [],
      createdAt: Date.now(),
    });
    await services.digests.markFailed({ id: composed.id, subscriberId: subscriber.id }, `SMTP 554 ${PAYLOAD}`, true);
    const url = new URL(links(PUBLIC_URL, services.tokens!).preferencesUrl(subscriber.id));
    preferencesPath = `${url.pathname}${url.search}`;
    server = await listen(createWebServer(services), 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    server.close();
    await services.close();
    await deletePrefix(prefix);
  });

  async function page(path: string, init: RequestInit = {}): Promise<string> {
    const response = await fetch(`${base}${path}`, { redirect: 'manual', ...init });
    assert.ok(response.status < 500, `${path}: ${response.status}`);
    return response.text();
  }

  /** Safe to a browser, and every hostile character shown as text (so it was escaped, not lost). */
  function assertEscaped(where: string, source: string, shown: string[] = [SHOWN]): void {
    assert.deepEqual(unsafeMarkup(source), [], where);
    const text = visibleText(source);
    for (const expected of shown) assert.ok(text.includes(expected), `${where} shows ${JSON.stringify(expected.slice(0, 60))}...`);
    // No hostile text escaped from an attribute into a new one.
    assert.ok(!attributeValues(source).some((v) => v === 'x' || v.startsWith('alert(')), `${where}: an injected attribute`);
  }

  test('the HTML part of the digest email shows them as text, the 10,000-character title up to its cap with the mark', () => {
    assertEscaped('digest email', mail.html, [SHOWN, LONG_SHOWN, LONG_MARK]);
  });

  test('the text part and the subject of the digest email carry no control characters', () => {
    assert.doesNotMatch(mail.text, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/);
    assert.doesNotMatch(mail.subject, /[\u0000-\u001F\u007F-\u009F]/);
    assert.ok(mail.text.includes(LONG_SHOWN.slice(0, 200)));
  });

  test("the digest's web page shows them as text", async () => {
    assertEscaped('digest page', await page(new URL(links(PUBLIC_URL, services.tokens!).digestUrl(digestId)).pathname), [SHOWN, LONG_SHOWN, LONG_MARK]);
  });

  test('the subscribe and preferences pages show a hostile watch name as text', async () => {
    assertEscaped('subscribe page', await page('/subscribe'));
    assertEscaped('preferences page', await page(preferencesPath));
  });

  test('a sign-up with a hostile address and time zone shows them back as text', async () => {
    const body = new URLSearchParams({ email: PAYLOAD, watches: 'bone', frequency: PAYLOAD, timezone: PAYLOAD });
    assertEscaped('subscribe answer', await page('/subscribe', { method: 'POST', body }));
  });

  for (const path of ['/admin', '/admin/subscribers', '/admin/cards', () => `/admin/cards/${encodeURIComponent(workKey)}`]) {
    test(`the dashboard page ${typeof path === 'string' ? path : '/admin/cards/<key>'} shows them as text`, async () => {
      const where = typeof path === 'string' ? path : path();
      assertEscaped(where, await page(where, { headers: { authorization: AUTH } }));
    });
  }

  test("the work's public page shows them as text, the 10,000-character title up to its cap with the mark", async () => {
    assertEscaped('work page', await page(`/works/${encodeURIComponent(workKey)}`), [SHOWN, LONG_SHOWN, LONG_MARK]);
  });

  test('the Atom feed is well-formed XML without control characters, and its HTML title is safe', async () => {
    const xml = await page('/feeds/bone.atom');
    // XML 1.0 forbids these characters outright: one of them makes the whole feed unreadable.
    assert.doesNotMatch(xml, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    const feed = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: true }).parse(xml) as {
      feed: { entry: { title: { '#text': string }; summary: { '#text': string } } };
    };
    const entry = feed.feed.entry;
    assert.deepEqual(unsafeMarkup(entry.title['#text']), [], 'the title a feed reader renders as HTML');
    assert.ok(visibleText(entry.title['#text']).includes(SHOWN.slice(0, 60)), 'the hostile title is shown as text');
    assert.ok(!/<script/i.test(xml.replace(/&lt;script/gi, '')), 'no script element in the feed');
  });

  test("the JSON feed's HTML content is safe", async () => {
    const feed = JSON.parse(await page('/feeds/bone.json')) as { items: { content_html: string; title: string }[] };
    assert.equal(feed.items.length, 1);
    assert.deepEqual(unsafeMarkup(feed.items[0]!.content_html), []);
    assert.doesNotMatch(feed.items[0]!.title, /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });

  test("bull-board's API returns the hostile error as JSON data, never as a page", async () => {
    const response = await fetch(`${base}/admin/queues/api/queues`, { headers: { authorization: AUTH } });
    assert.equal(response.status, 200);
    assert.match(String(response.headers.get('content-type')), /^application\/json/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  });
});
