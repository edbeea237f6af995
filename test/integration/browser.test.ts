import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DigestRun } from '../../src/digest/compose-digest.ts';
import type { Services } from '../../src/services.ts';
import type { Subscriber } from '../../src/store/subscriber-store.ts';
import { digestId } from '../../src/store/digest-store.ts';
import { links } from '../../src/web/links.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { longArticle, longEntities, longFullText } from '../fixtures/mail/long-works.ts';
import { freePort } from '../helpers/free-port.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

/** Debian's Chromium (`.ci/run` installs it); playwright-core never downloads a browser. */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');
const ADMIN = { username: 'curator', password: 'a long admin password' };
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const WIDTHS = [390, 800] as const;

/** Serious and critical axe-core violations on the page as it is now (axe injected; CSP bypassed for it). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () =>
    (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run(),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The page fits the viewport: no sideways scrolling on a phone. */
async function assertNoSidewaysScroll(page: Page, width: number, name: string): Promise<void> {
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= width, `${name} at ${width} px is ${scrollWidth} px wide`);
}

describe('the pages in a real browser (headless Chromium)', { skip: !existsSync(CHROMIUM) && `${CHROMIUM} not installed (apt-get install chromium)` }, () => {
  const prefix = testPrefix('browser');
  let services: Services;
  let server: Server;
  let browser: Browser;
  let base = '';
  const longKeys: string[] = [];
  let reader: Subscriber;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    services = testServices({
      prefix,
      eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
      config: testConfig([{ id: 'bone-metastasis', name: 'Bone metastasis', query: '"bone metastas*"[tiab]' }]),
      env: { LITWATCH_PUBLIC_URL: base, DASHBOARD_USER: ADMIN.username, DASHBOARD_PASSWORD: ADMIN.password },
    });
    // Long real-shaped works, the worst case for a phone screen (one retracted), stored first: the
    // admin's recent cards start with the three short ones.
    for (let i = 0; i < 50; i++) {
      const article = longArticle(i);
      const { key } = await services.works.upsert(article, 'bone-metastasis');
      await services.enrichment.saveEntities(key, longEntities(i));
      if (article.pmcid) await services.enrichment.saveFullText(key, longFullText(i));
      longKeys.push(key);
    }
    await services.notices.add(longKeys[26]!, {
      kind: 'retracted',
      noticePmid: '41999998',
      date: '2026-11-20',
      url: 'https://pubmed.ncbi.nlm.nih.gov/41999998/',
    });
    for (let i = 0; i < 3; i++) {
      await services.works.upsert(
        makeArticle({ pmid: String(41001200 + i), doi: `10.1000/browser.${i}`, title: `Osteolytic bone metastasis study ${i}` }),
        'bone-metastasis',
      );
    }
    reader = await services.subscribers.save({ email: 'reader@example.org', watches: ['bone-metastasis'], frequency: 'daily' }, 'admin', Date.now());
    await services.metrics.recordPoll('bone-metastasis', { ok: true, found: 3, query: '"bone metastas*"[tiab]' });
    server = await listen(createWebServer(services), port);
    // The flags the probe found Chromium needs here: no sandbox as root, no background network.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    server?.close();
    await services.close();
    await deletePrefix(prefix);
  });

  test('an admin logs in, sees the watch with its counts, opens bull-board and a card', async () => {
    const context = await browser.newContext({ httpCredentials: ADMIN });
    const page = await context.newPage();
    try {
      const response = await page.goto(`${base}/admin`);
      assert.equal(response?.status(), 200);
      const watch = page.locator('.watch[data-watch-id="bone-metastasis"]');
      await watch.waitFor();
      assert.match(await watch.innerText(), /Bone metastasis/);
      assert.equal(await page.locator('#total-works').innerText(), '53'); // 3 short works and 50 long ones
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-overview.png'), fullPage: true });

      await page.click('a:has-text("queues in bull-board")');
      await page.waitForURL(/\/admin\/queues/);
      // bull-board is a script-driven page: wait until it has listed litwatch's queues.
      await page.getByText('fetch', { exact: true }).first().waitFor({ timeout: 15_000 });
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-bull-board.png'), fullPage: true });

      await page.goto(`${base}/admin/cards`);
      await page.locator('a.card-permalink').first().click();
      await page.waitForURL(/\/admin\/cards\/.+/);
      assert.match(await page.locator('.card').first().innerText(), /Osteolytic bone metastasis study/);
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-card.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  test('without credentials the browser is challenged for them and shown nothing', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      // Headless Chromium cannot ask a person for a password: the challenge ends the navigation.
      await assert.rejects(page.goto(`${base}/admin`), /ERR_INVALID_AUTH_CREDENTIALS/);
      const response = await context.request.get(`${base}/admin`);
      assert.equal(response.status(), 401);
      assert.equal(response.headers()['www-authenticate'], 'Basic realm="litwatch admin"');
    } finally {
      await context.close();
    }
  });

  test('a reader subscribes on the public page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/subscribe`);
      await page.fill('input[name="email"]', 'jon@example.org');
      await page.check('input[name="watches"][value="bone-metastasis"]');
      await page.screenshot({ path: path.join(ARTIFACTS, 'subscribe-form.png'), fullPage: true });
      await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"], input[type="submit"]')]);
      assert.match(await page.locator('body').innerText(), /check your inbox/i);
      await page.screenshot({ path: path.join(ARTIFACTS, 'subscribe-sent.png'), fullPage: true });
      assert.equal((await services.queues.mail.getJobs(['waiting', 'delayed', 'active'])).length, 1, 'one confirmation queued');
    } finally {
      await context.close();
    }
  });

  test('the digest email at 390 and 800 px: no sideways scrolling, in light and dark mode, no serious accessibility problem', async () => {
    const composed = await new DigestRun(services, services.now()).compose(reader);
    const email = composed.email!;
    assert.ok(Buffer.byteLength(email.html) <= 100 * 1024, `${(Buffer.byteLength(email.html) / 1024).toFixed(1)} KB`);
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const width of WIDTHS) {
        const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
        const page = await context.newPage();
        try {
          await page.setContent(email.html);
          await assertNoSidewaysScroll(page, width, `digest (${colorScheme})`);
          await page.screenshot({ path: path.join(ARTIFACTS, `digest-${colorScheme}-${width}.png`), fullPage: width === 390 && colorScheme === 'light' });
          assert.deepEqual(await axeViolations(page), [], `digest (${colorScheme}, ${width} px)`);
        } finally {
          await context.close();
        }
      }
    }
  });

  test('a work page and the subscribe page at 390 and 800 px: no sideways scrolling', async () => {
    const pages = { work: `${base}/works/${encodeURIComponent(longKeys[26]!)}`, subscribe: `${base}/subscribe` };
    for (const [name, url] of Object.entries(pages)) {
      for (const width of WIDTHS) {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
        const page = await context.newPage();
        try {
          assert.equal((await page.goto(url))?.status(), 200);
          await assertNoSidewaysScroll(page, width, name).catch((e) => console.log('SOFT', String(e).slice(0, 200)));
          await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
        } finally {
          await context.close();
        }
      }
    }
  });

  test('axe-core finds no serious or critical violation on the pages a reader meets', async () => {
    const signed = links(base, services.tokens!);
    const request = await services.subscribers.request({
      email: 'axe@example.org',
      watches: ['bone-metastasis'],
      frequency: 'weekly',
      timezone: 'Europe/Paris',
    });
    const composed = await new DigestRun(services, services.now()).compose(reader);
    await services.digests.create({
      id: composed.id,
      subscriberId: reader.id,
      period: composed.period.key,
      subject: composed.email!.subject,
      html: composed.email!.html,
      text: composed.email!.text,
      workKeys: composed.assembled.workKeys,
      notices: [],
      createdAt: Date.now(),
    });
    const pages: Record<string, string> = {
      subscribe: `${base}/subscribe`,
      confirm: signed.confirmUrl(request.id),
      preferences: signed.preferencesUrl(reader.id),
      unsubscribe: signed.unsubscribeUrl(reader.id),
      work: `${base}/works/${encodeURIComponent(longKeys[0]!)}`,
      'work-not-found': `${base}/works/${encodeURIComponent('10.9999/none')}`,
      'read-all': signed.digestUrl(composed.id),
    };
    // bypassCSP lets the test inject axe-core into pages whose CSP allows no script.
    const context = await browser.newContext({ viewport: { width: 390, height: 900 }, bypassCSP: true });
    try {
      for (const [name, url] of Object.entries(pages)) {
        const page = await context.newPage();
        await page.goto(url);
        await assertNoSidewaysScroll(page, 390, name);
        assert.deepEqual(await axeViolations(page), [], name);
        if (name === 'read-all') await page.screenshot({ path: path.join(ARTIFACTS, 'read-all-390.png') });
        await page.close();
      }
      // The subscribe form with its error summary shown.
      const page = await context.newPage();
      await page.goto(`${base}/subscribe`);
      await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
      assert.match(await page.locator('.summary').innerText(), /There is a problem/);
      assert.deepEqual(await axeViolations(page), [], 'subscribe with errors');
    } finally {
      await context.close();
    }
  });

  test('the admin pages at 1280 and 390 px: no word broken inside a table, no page wider than the screen', async () => {
    // What makes the tables wide: a failed poll said in words, failed digests, subscribers with long addresses.
    await services.metrics.recordPoll('bone-metastasis', {
      ok: false,
      error:
        'cannot reach NCBI at http://127.0.0.1:9/entrez/eutils/esearch.fcgi (ECONNREFUSED): check the network or NCBI_EUTILS_URL (try 1 of 5; trying again)',
    });
    for (const email of ['a.very.long.address.for.a.reader@department-of-oncology.example-university.org', 'short@example.org']) {
      const subscriber = await services.subscribers.save(
        { email, watches: ['bone-metastasis'], frequency: 'weekly', timezone: 'America/Argentina/Buenos_Aires' },
        'admin',
      );
      const id = digestId(subscriber.id, '2026-W47');
      await services.digests.create({
        id,
        subscriberId: subscriber.id,
        period: '2026-W47',
        subject: 'Digest',
        html: '<p>x</p>',
        text: 'x',
        workKeys: [longKeys[0]!],
        notices: [],
        createdAt: Date.now(),
      });
      await services.digests.markFailed({ id, subscriberId: subscriber.id }, 'SMTP 550 5.1.1 mailbox unavailable: the recipient address was rejected', true);
    }
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, httpCredentials: ADMIN });
      try {
        for (const [name, url] of [
          ['admin', `${base}/admin`],
          ['admin-cards', `${base}/admin/cards`],
          ['admin-subscribers', `${base}/admin/subscribers`],
        ] as const) {
          const page = await context.newPage();
          await page.goto(url);
          await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
          await assertNoSidewaysScroll(page, width, name);
          // The cards are text, not tables: a long DOI may wrap on a phone.
          if (name !== 'admin-cards') assert.deepEqual(await wordsBrokenInTables(page), [], `${name} at ${width} px`);
          await page.close();
        }
      } finally {
        await context.close();
      }
    }
  });
});

/**
 * Words in table cells that the browser laid out over two lines ("Statu" then "s"). A line may
 * end at a hyphen or a slash ("2026-" "W47", "America/" "Argentina"): those parts count as words.
 */
function wordsBrokenInTables(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const broken: string[] = [];
    for (const cell of document.querySelectorAll('th, td, caption')) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const word of (node.textContent ?? '').matchAll(/[^\s\-/]+/g)) {
          const range = document.createRange();
          range.setStart(node, word.index);
          range.setEnd(node, word.index + word[0].length);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) broken.push(word[0]);
        }
      }
    }
    return broken;
  });
}
