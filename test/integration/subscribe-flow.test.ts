import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { freePort } from '../helpers/free-port.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { untilDefined } from '../helpers/until.ts';

/** The first link to `page` in a message's text part. */
function linkIn(text: string | undefined, page: string): URL {
  const match = new RegExp(`https?://\\S+/${page}\\?token=[\\w.-]+`).exec(text ?? '');
  assert.ok(match, `a ${page} link in:\n${text}`);
  return new URL(match[0]);
}

describe('double opt-in and one-click unsubscribe, over HTTP and SMTP', () => {
  const prefix = testPrefix('subscribe');
  let smtp: SmtpSink;
  let services: Services;
  let workers: Worker[];
  let server: Server;
  let base = '';

  before(async () => {
    smtp = await new SmtpSink().start();
    // The public URL must be known before the server starts: take a free port first.
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    services = testServices({
      prefix,
      eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
      config: testConfig([{ id: 'bone', name: 'Bone metastasis', query: 'a' }]),
      env: { SMTP_URL: smtp.url, LITWATCH_PUBLIC_URL: base },
    });
    workers = startWorkers(services, { queues: ['mail'] });
    server = await listen(createWebServer(services), port);
  });

  after(async () => {
    server.closeAllConnections();
    server.close();
    await closeWorkers(workers);
    await services.close();
    await smtp.close();
    await deletePrefix(prefix);
  });

  let confirmLink: URL;

  test('subscribing sends a confirmation email and stores no subscriber yet', async () => {
    const response = await fetch(`${base}/subscribe`, {
      method: 'POST',
      body: new URLSearchParams({ email: 'eve@example.org', watches: 'bone', frequency: 'weekly', timezone: 'Europe/Paris' }),
    });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /check your inbox/i);
    const message = await untilDefined(() => smtp.to('eve@example.org')[0]);
    assert.equal(message.subject, 'Confirm your litwatch subscription');
    confirmLink = linkIn(message.text, 'confirm');
    assert.equal(await services.subscribers.findByEmail('eve@example.org'), undefined);
  });

  test("the link's page confirms nothing by itself; its button does", async () => {
    const page = await fetch(confirmLink);
    assert.equal(page.status, 200);
    assert.equal(await services.subscribers.findByEmail('eve@example.org'), undefined, 'a mail scanner following the link subscribes no one');
    const confirmed = await fetch(confirmLink, { method: 'POST' });
    assert.equal(confirmed.status, 200);
    const eve = await services.subscribers.findByEmail('eve@example.org');
    assert.equal(eve?.status, 'active');
    assert.deepEqual([eve?.watches, eve?.frequency, eve?.timezone], [['bone'], 'weekly', 'Europe/Paris']);
  });

  test('a digest scheduler now exists for weekly digests in her time zone', async () => {
    const schedulers = await services.queues.digest.getJobSchedulers(0, -1);
    assert.deepEqual(
      schedulers.map((s) => [s.key, s.pattern, s.tz]),
      [['digest-weekly-Europe~Paris', '0 7 * * 1', 'Europe/Paris']],
    );
  });

  test('a forged token is refused with 4xx and changes nothing', async () => {
    const eve = (await services.subscribers.findByEmail('eve@example.org'))!;
    const token = confirmLink.searchParams.get('token')!;
    const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const page of ['unsubscribe', 'preferences']) {
      const response = await fetch(`${base}/${page}?token=${forged}`, { method: 'POST', body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }) });
      assert.ok(response.status >= 400 && response.status < 500, `${page}: ${response.status}`);
    }
    assert.equal((await services.subscribers.get(eve.id))?.status, 'active');
  });

  test('the one-click POST from a digest header unsubscribes, with no cookie or login', async () => {
    const eve = (await services.subscribers.findByEmail('eve@example.org'))!;
    const { links } = await import('../../src/web/links.ts');
    const unsubscribe = links(base, services.tokens!).unsubscribeUrl(eve.id);
    const response = await fetch(unsubscribe, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(response.status, 200);
    assert.equal((await services.subscribers.get(eve.id))?.status, 'unsubscribed');
  });
});
