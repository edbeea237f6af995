import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { DigestRun } from '../../src/digest/compose-digest.ts';
import type { Services } from '../../src/services.ts';
import type { Subscriber } from '../../src/store/subscriber-store.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { freePort } from '../helpers/free-port.ts';
import { longArticle, longEntities, longFullText } from '../fixtures/mail/long-works.ts';
import { deletePrefix, REFERENCE_DAY, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

/** Every section heading of ../shared/format/CARD.md, in order. */
const CARD_HEADINGS = ['TL;DR', 'Contribution', 'Key findings', 'Abstract', 'Linked entities', 'Full-text entities', 'Full text', 'Figures', 'References'];
const WORKS = 50;
// The newest publication date (day 27), so it is among the entries the email shows.
const RETRACTED = 26;

describe('work pages, the read-all page and feeds', () => {
  const prefix = testPrefix('work-pages');
  let services: Services;
  let server: Server;
  let base = '';
  let reader: Subscriber;
  const keys: string[] = [];

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = testConfig([{ id: 'bone', name: 'Bone metastasis', query: 'a' }]);
    services = testServices({
      prefix,
      eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
      config: { ...config, digest: { ...config.digest, maxItems: 20 } },
      env: { LITWATCH_PUBLIC_URL: base },
    });
    for (let i = 0; i < WORKS; i++) {
      const article = longArticle(i);
      const { key } = await services.works.upsert(article, 'bone', REFERENCE_DAY.getTime() - (WORKS - i) * 60_000);
      await services.enrichment.saveEntities(key, longEntities(i));
      if (article.pmcid) await services.enrichment.saveFullText(key, longFullText(i));
      keys.push(key);
    }
    await services.notices.add(keys[RETRACTED]!, {
      kind: 'retracted',
      noticePmid: '41999999',
      date: '2026-11-20',
      url: 'https://pubmed.ncbi.nlm.nih.gov/41999999/',
    });
    reader = await services.subscribers.save({ email: 'private.reader@example.org', watches: ['bone'], frequency: 'daily' }, 'admin', REFERENCE_DAY.getTime());
    server = await listen(createWebServer(services), port);
  });

  after(async () => {
    server?.closeAllConnections();
    server?.close();
    await services.close();
    await deletePrefix(prefix);
  });

  test('the site root leads to the subscribe page', async () => {
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/subscribe');
    const followed = await fetch(`${base}/`);
    assert.equal(followed.status, 200);
    assert.match(await followed.text(), /<title>Subscribe · litwatch<\/title>/);
  });

  test('every entry of a digest links to a work page that answers 200 with the full card; the retracted one has its badge', async () => {
    const composed = await new DigestRun(services, REFERENCE_DAY).compose(reader);
    const html = composed.email!.html;
    const hrefs = [...html.matchAll(/class="entry-link" href="([^"]+)"/g)].map((m) => m[1]!.replaceAll('&#x3D;', '='));
    assert.equal(hrefs.length, 20, 'maxItems entries');
    for (const href of hrefs) {
      assert.ok(href.startsWith(`${base}/works/`), href);
      const page = await fetch(href);
      assert.equal(page.status, 200, href);
      const text = await page.text();
      for (const heading of CARD_HEADINGS) assert.ok(text.includes(`<h2>${heading}</h2>`), `${href}: ${heading}`);
      assert.match(text, /<h1>Single-cell and spatial transcriptomic atlas/);
    }
    const retracted = keys[RETRACTED]!;
    assert.match(
      html,
      new RegExp(
        `href="${base}/works/${encodeURIComponent(retracted).replaceAll('.', '\\.')}"[^>]*>[^<]*(?:<[^>]+>[^<]*)*?</a></div>\\s*<div class="entry-badges"[^>]*><span class="badge"[^>]*>Retracted</span>`,
      ),
    );
    const page = await (await fetch(`${base}/works/${encodeURIComponent(retracted)}`)).text();
    assert.match(page, /Notice<\/span> retracted \(2026-11-20, https:\/\/pubmed\.ncbi\.nlm\.nih\.gov\/41999999\/\)/);
  });

  test('a work page links the record in PubMed, PMC and at its DOI, is public, and says nothing about subscribers', async () => {
    const key = keys[0]!; // every third long work is in PMC
    const response = await fetch(`${base}/works/${encodeURIComponent(key)}`);
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.ok(text.includes('<a href="https://pubmed.ncbi.nlm.nih.gov/41700000/">PubMed</a>'));
    assert.ok(text.includes('<a href="https://pmc.ncbi.nlm.nih.gov/articles/PMC12800000/">PMC</a>'));
    assert.ok(text.includes(`<a href="https://doi.org/${key}">DOI</a>`));
    assert.doesNotMatch(text, /private\.reader|@example\.org|token=/);
    // The key as typed, its `/` unencoded, finds the same work.
    assert.equal((await fetch(`${base}/works/${key}`)).status, 200);
  });

  test('an unknown key is a 404 page', async () => {
    const response = await fetch(`${base}/works/${encodeURIComponent('10.9999/not.stored')}`);
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await response.text(), /<h1>No such work<\/h1>/);
  });

  test('the read-all page of a digest lists every work it delivered, each linked to its page', async () => {
    const composed = await new DigestRun(services, REFERENCE_DAY).compose(reader);
    assert.equal(composed.assembled.workKeys.length, WORKS);
    const more = /class="more-link" href="([^"]+)"[^>]*>Read all 50 on the web</.exec(composed.email!.html);
    assert.ok(more, 'the email links the read-all page');
    await services.digests.create({
      id: composed.id,
      subscriberId: reader.id,
      period: composed.period.key,
      subject: composed.email!.subject,
      html: composed.email!.html,
      text: composed.email!.text,
      workKeys: composed.assembled.workKeys,
      notices: [],
      createdAt: REFERENCE_DAY.getTime(),
    });
    const response = await fetch(more[1]!);
    assert.equal(response.status, 200);
    const text = await response.text();
    for (const key of keys) assert.ok(text.includes(`href="${base}/works/${encodeURIComponent(key)}"`), key);
    assert.doesNotMatch(text, /private\.reader|token=/);
  });

  test('the Atom feed parses as Atom, with every element RFC 4287 asks for, and every entry links to a page that answers 200', async () => {
    const response = await fetch(`${base}/feeds/bone.atom`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/atom\+xml/);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => ['entry', 'link', 'author'].includes(name) }).parse(
      await response.text(),
    );
    const feed = parsed.feed;
    assert.equal(feed['@_xmlns'], 'http://www.w3.org/2005/Atom');
    assert.equal(feed.id, `${base}/feeds/bone.atom`);
    assert.equal(feed.title, 'litwatch: Bone metastasis');
    assert.ok(!Number.isNaN(Date.parse(feed.updated)));
    assert.ok(feed.link.some((l: Record<string, string>) => l['@_rel'] === 'self' && l['@_href'] === `${base}/feeds/bone.atom`));
    assert.equal(feed.author[0].name, 'litwatch');
    assert.equal(feed.entry.length, WORKS);
    // Newest first: the last work stored was matched last.
    assert.equal(feed.entry[0].id, `${base}/works/${encodeURIComponent(keys.at(-1)!)}`);
    for (const entry of feed.entry) {
      assert.ok(entry.id && entry.title && entry.summary?.['#text'] && entry.author[0].name, JSON.stringify(entry).slice(0, 200));
      assert.ok(!Number.isNaN(Date.parse(entry.updated)));
      const href = entry.link[0]['@_href'];
      assert.equal(href, entry.id);
      assert.equal((await fetch(href)).status, 200, href);
    }
  });

  test('the JSON Feed is version 1.1 with an item per work', async () => {
    const response = await fetch(`${base}/feeds/bone.json`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/feed\+json/);
    const feed = (await response.json()) as {
      version: string;
      title: string;
      feed_url: string;
      items: { id: string; url: string; title: string; summary: string; date_published: string }[];
    };
    assert.equal(feed.version, 'https://jsonfeed.org/version/1.1');
    assert.equal(feed.feed_url, `${base}/feeds/bone.json`);
    assert.equal(feed.items.length, WORKS);
    for (const item of feed.items) assert.ok(item.id === item.url && item.title && item.summary && !Number.isNaN(Date.parse(item.date_published)));
    assert.match(feed.items[0]!.title, /Ca2\+-dependent osteoclasts/);
  });

  test('a feed of an unknown watch is a 404 page; the subscribe page links every feed', async () => {
    assert.equal((await fetch(`${base}/feeds/nope.atom`)).status, 404);
    assert.equal((await fetch(`${base}/feeds/bone.rss`)).status, 404);
    const subscribe = await (await fetch(`${base}/subscribe`)).text();
    assert.ok(subscribe.includes('href="feeds/bone.atom"') && subscribe.includes('href="feeds/bone.json"'));
    assert.ok(subscribe.includes('<link rel="alternate" type="application/atom+xml" title="Bone metastasis (Atom)" href="feeds/bone.atom">'));
  });
});
