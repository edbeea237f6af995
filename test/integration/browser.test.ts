import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import type { Services } from '../../src/services.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { freePort } from '../helpers/free-port.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

/** Debian's Chromium (`.ci/run` installs it); playwright-core never downloads a browser. */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');
const ADMIN = { username: 'curator', password: 'a long admin password' };

describe('the pages in a real browser (headless Chromium)', { skip: !existsSync(CHROMIUM) && `${CHROMIUM} not installed (apt-get install chromium)` }, () => {
  const prefix = testPrefix('browser');
  let services: Services;
  let server: Server;
  let browser: Browser;
  let base = '';

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
    for (let i = 0; i < 3; i++) {
      await services.works.upsert(makeArticle({ pmid: String(41001200 + i), doi: `10.1000/browser.${i}`, title: `Osteolytic bone metastasis study ${i}` }), 'bone-metastasis');
    }
    await services.metrics.recordPoll('bone-metastasis', { ok: true, found: 3, query: '"bone metastas*"[tiab]' });
    server = await listen(createWebServer(services), port);
    // The flags the probe found Chromium needs here: no sandbox as root, no background network.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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
      assert.equal(await page.locator('#total-works').innerText(), '3');
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
});
