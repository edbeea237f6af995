import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as sendConfirmation from '../../jobs/send-confirmation.ts';
import type { Services } from '../../src/services.ts';
import { CONFIRMATIONS_PER_ADDRESS_PER_DAY, POSTS_PER_NETWORK_PER_HOUR } from '../../src/subscribers/signup-limits.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

const PUBLIC_URL = 'https://litwatch.example';
const config = testConfig([{ id: 'bone', name: 'Bone metastasis', query: 'a' }]);

/**
 * One web process: its own services (Redis connection, database pool) and HTTP server. Two of
 * them on one prefix are two processes of one installation; closing one and opening another is
 * a restart (nothing in memory survives it).
 */
class WebProcess {
  services!: Services;
  private server!: Server;
  private base = '';

  constructor(
    private readonly prefix: string,
    private readonly outbox: string,
  ) {}

  async start(): Promise<this> {
    this.services = testServices({
      prefix: this.prefix,
      eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
      config,
      // The client's address comes from X-Forwarded-For, so one test can speak from many networks.
      env: { LITWATCH_PUBLIC_URL: PUBLIC_URL, TRUST_PROXY: 'loopback', LITWATCH_OUTBOX: this.outbox },
    });
    this.server = await listen(createWebServer(this.services), 0);
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
    await this.services.close();
  }

  signUp(email: string, from: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.base}/subscribe`, {
      method: 'POST',
      headers: { 'X-Forwarded-For': from, ...headers },
      body: new URLSearchParams({ email, watches: 'bone', frequency: 'daily', timezone: 'UTC' }),
    });
  }
}

describe('sign-up limits live in Redis, for every web process and across restarts', () => {
  const prefix = testPrefix('signup-limits');
  const outbox = mkdtempSync(path.join(tmpdir(), 'litwatch-signup-outbox-'));
  let a: WebProcess;
  let b: WebProcess;

  before(async () => {
    a = await new WebProcess(prefix, outbox).start();
    b = await new WebProcess(prefix, outbox).start();
  });

  after(async () => {
    await a.stop();
    await b.stop();
    await deletePrefix(prefix);
  });

  /** Confirmation emails queued by either process (they share the queue). */
  async function queuedConfirmations(): Promise<number> {
    return (await a.services.queues.mail.getJobs(['waiting', 'delayed', 'active', 'completed'])).filter((job) => job.name === sendConfirmation.name).length;
  }

  test('one client network gets 20 sign-ups an hour between two processes, and a restart gives it no more', async () => {
    const network = '203.0.113.7';
    for (let i = 0; i < POSTS_PER_NETWORK_PER_HOUR; i++) {
      const res = await (i % 2 ? b : a).signUp(`net${i}@example.org`, network);
      assert.equal(res.status, 200, `sign-up ${i + 1}`);
    }
    assert.equal((await a.signUp('net-over@example.org', network)).status, 429);
    await a.stop();
    a = await new WebProcess(prefix, outbox).start();
    const refused = await a.signUp('net-after-restart@example.org', network);
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 3000, 'the window opened at the first sign-up, an hour ago at most');
    assert.equal((await b.signUp('other-network@example.org', '198.51.100.1')).status, 200, 'another network is not held back');
  });

  test('an IPv6 client is counted per /64, whichever of its addresses it uses', async () => {
    for (let i = 0; i < POSTS_PER_NETWORK_PER_HOUR; i++) {
      assert.equal((await a.signUp(`v6-${i}@example.org`, `2001:db8:a:b::${(i + 1).toString(16)}`)).status, 200);
    }
    assert.equal((await b.signUp('v6-over@example.org', '2001:db8:a:b:ffff:eeee:dddd:1')).status, 429);
    assert.equal((await b.signUp('v6-other@example.org', '2001:db8:a:c::1')).status, 200, 'the next /64 is another client');
  });

  test('one mailbox gets five confirmation emails a day, whatever its case and +tags, between processes and across a restart', async () => {
    const before = await queuedConfirmations();
    const spellings = ['victim@example.org', 'VICTIM@example.org', 'victim+1@example.org', 'Victim+2@Example.ORG', 'victim+news@example.org'];
    for (const [i, email] of spellings.entries()) {
      const res = await (i % 2 ? b : a).signUp(email, `192.0.2.${i + 1}`);
      assert.match(await res.text(), /Check your inbox/);
    }
    assert.equal((await queuedConfirmations()) - before, CONFIRMATIONS_PER_ADDRESS_PER_DAY);
    await b.stop();
    b = await new WebProcess(prefix, outbox).start();
    for (const [i, email] of ['victim+6@example.org', 'victim@example.org'].entries()) {
      const res = await (i % 2 ? b : a).signUp(email, `192.0.2.${i + 10}`);
      // The same answer as ever: a different one would tell a stranger this address was tried.
      assert.equal(res.status, 200);
      assert.match(await res.text(), /Check your inbox/);
    }
    assert.equal((await queuedConfirmations()) - before, CONFIRMATIONS_PER_ADDRESS_PER_DAY, 'no sixth email queued');
  });

  test('the send job keeps to the same five, whoever queued the request', async () => {
    const email = 'queued-elsewhere@example.org';
    const requests = [];
    for (let i = 0; i < CONFIRMATIONS_PER_ADDRESS_PER_DAY + 1; i++) {
      requests.push(
        await a.services.subscribers.request({
          email: i ? `Queued-Elsewhere+${i}@example.org` : email,
          watches: ['bone'],
          frequency: 'daily',
          timezone: 'UTC',
        }),
      );
    }
    const run = (requestId: string) => sendConfirmation.process({ requestId }, { services: a.services, log: a.services.log, job: undefined as never });
    const outcomes = [];
    for (const request of requests) outcomes.push((await run(request.id)).status);
    assert.deepEqual(outcomes, [...Array<string>(CONFIRMATIONS_PER_ADDRESS_PER_DAY).fill('sent'), 'limited']);
    // A retried job for a request already mailed is its own earlier attempt, not a sixth email.
    assert.equal((await run(requests[0]!.id)).status, 'sent');
    // The outbox names a message by its Message-ID, so the retry rewrote its first one.
    assert.equal(readdirSync(outbox).filter((f) => f.endsWith('.eml')).length, CONFIRMATIONS_PER_ADDRESS_PER_DAY);
  });

  test('a sign-up posted from another site is refused with 403 and sends nothing', async () => {
    const before = await queuedConfirmations();
    const hostile: Record<string, string>[] = [
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
      { Origin: 'https://evil.example' },
      { Origin: 'null' },
    ];
    for (const headers of hostile) {
      const res = await a.signUp('csrf-target@example.org', '198.51.100.20', headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
    }
    assert.equal(await queuedConfirmations(), before);
    assert.equal((await a.signUp('csrf-target@example.org', '198.51.100.20', { 'Sec-Fetch-Site': 'same-origin' })).status, 200);
    assert.equal((await queuedConfirmations()) - before, 1, 'the form on its own page still works');
  });
});
