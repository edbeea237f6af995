import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as buildDigest from '../../jobs/build-digest.ts';
import * as sendDigest from '../../jobs/send-digest.ts';
import type { WorkEntities } from '../../src/entities/entity-types.ts';
import type { Article } from '../../src/parse/article.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { digestId } from '../../src/store/digest-store.ts';
import type { Subscriber } from '../../src/store/subscriber-store.ts';
import { links } from '../../src/web/links.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS } from '../helpers/until.ts';

const TODAY = new Date('2026-11-27T08:00:00Z');

function article(pmid: string, title: string, day: number): Article {
  return {
    kind: 'pubmed',
    pmid,
    doi: `10.1000/dg.${pmid}`,
    title,
    abstract: [{ label: 'RESULTS', text: `Result of study ${pmid} was significant (P<0.001).` }],
    authors: [{ foreName: 'Ana', lastName: 'Silva', initials: 'A' }],
    journal: { title: 'Bone' },
    electronicDate: { year: 2026, month: 11, day },
    languages: ['eng'],
    publicationTypes: ['Journal Article'],
    keywords: [],
    mesh: [],
    comments: [],
  };
}

function entities(diseases: [string, string][], species: string[]): WorkEntities {
  return {
    source: 'pubtator',
    scope: 'abstract',
    diseases: diseases.map(([id, mention]) => ({ type: 'Disease', id, mention })),
    chemicals: [],
    genes: [],
    species: species.map((id) => ({ type: 'Species', id, mention: id })),
    linkedDiseases: [],
    annotatedAt: 0,
  };
}

describe('digest delivery over real SMTP', () => {
  const prefix = testPrefix('digest');
  let smtp: SmtpSink;
  let services: Services;
  let workers: Worker[] = [];
  let builds: OpenQueueEvents;
  let sends: OpenQueueEvents;
  let ana: Subscriber;
  let ben: Subscriber;

  before(async () => {
    smtp = await new SmtpSink().start();
    services = testServices({
      prefix,
      eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
      config: testConfig([
        { id: 'bone', name: 'Bone metastasis', query: 'a' },
        { id: 'lung', name: 'Lung cancer in bone', query: 'b' },
      ]),
      now: () => TODAY,
      env: { SMTP_URL: smtp.url, LITWATCH_PUBLIC_URL: 'https://litwatch.test' },
    });
    // Three works: one both watches found, one only bone, one only lung.
    const both = await services.works.upsert(article('41000501', 'Radium-223 for bone metastases of lung and prostate cancer', 25), 'bone');
    await services.works.upsert(article('41000501', 'Radium-223 for bone metastases of lung and prostate cancer', 25), 'lung');
    await services.works.upsert(article('41000502', '<script>alert(1)</script> and *BRCA1* in breast cancer bone metastasis', 24), 'bone');
    await services.works.upsert(article('41000503', 'EGFR-mutant lung cancer spreading to bone in mice', 23), 'lung');
    await services.enrichment.saveEntities(both.key, entities([['MESH:D011471', 'prostate cancer']], ['9606']));
    await services.enrichment.saveEntities('10.1000/dg.41000503', entities([['MESH:D008175', 'lung cancer']], ['10090']));
    ana = await services.subscribers.save({ email: 'ana@example.org', watches: ['bone', 'lung'], frequency: 'daily' }, 'admin', TODAY.getTime());
    ben = await services.subscribers.save({ email: 'ben@example.org', watches: ['lung'], frequency: 'daily' }, 'admin', TODAY.getTime());
    builds = await openQueueEvents(services, 'digest');
    sends = await openQueueEvents(services, 'mail');
  });

  after(async () => {
    await closeWorkers(workers);
    await builds.close();
    await sends.close();
    await services.close();
    await smtp.close();
    await deletePrefix(prefix);
  });

  async function build(subscriber: Subscriber): Promise<buildDigest.BuildOutcome> {
    const job = await services.queues.digest.add(
      buildDigest.name,
      { subscriberId: subscriber.id, period: '2026-11-27' },
      { jobId: `build-${subscriber.id}-${Date.now()}` },
    );
    return (await job.waitUntilFinished(builds.events, PATIENCE_MS)) as buildDigest.BuildOutcome;
  }

  async function waitForSend(id: string): Promise<unknown> {
    const job = await services.queues.mail.getJob(`send-${id}`);
    assert.ok(job, `send job for ${id}`);
    return job.waitUntilFinished(sends.events, PATIENCE_MS);
  }

  test('a worker killed between build and send leaves a stored digest that is sent once when a worker comes', async () => {
    // Only the digest queue runs: the digests are built and stored, nothing is sent.
    workers = startWorkers(services, { queues: ['digest'] });
    const [forAna, forBen] = await Promise.all([build(ana), build(ben)]);
    assert.equal(forAna.status, 'built');
    assert.equal((await services.digests.get(digestId(ana.id, '2026-11-27')))?.status, 'pending');
    assert.equal(smtp.messages.length, 0);
    workers.push(...startWorkers(services, { queues: ['mail'] }));
    await Promise.all([waitForSend(digestId(ana.id, '2026-11-27')), waitForSend(digestId(ben.id, '2026-11-27'))]);
    assert.equal(forBen.status, 'built');
    assert.equal(smtp.messages.length, 2);
  });

  test('two subscribers with overlapping watches each get one email with the right cards, each work once', () => {
    const [toAna] = smtp.to('ana@example.org');
    const [toBen] = smtp.to('ben@example.org');
    assert.ok(toAna && toBen);
    assert.equal(toAna.subject, 'Bone metastasis, Lung cancer in bone: 3 new publications');
    assert.equal(toBen.subject, 'Lung cancer in bone: 2 new publications');
    // The shared work appears once, under the first of Ana's watches that found it.
    assert.equal(toAna.text?.match(/Radium-223 for bone metastases/g)?.length, 1);
    // Its entry names the watch it is listed under, and links to its page on litwatch.
    assert.match(toAna.text ?? '', /Radium-223 for bone metastases[^\n]*\nhttps:\/\/litwatch.test\/works\/[^\n]+\n[\s\S]*?Matched: Bone metastasis\n/);
    assert.match(toBen.text ?? '', /EGFR-mutant lung cancer spreading to bone in mice/);
    assert.doesNotMatch(toBen.text ?? '', /BRCA1/);
  });

  test('both parts are there, with RFC 8058 one-click unsubscribe headers and a Message-ID from the digest id', () => {
    // Unfold long header lines (RFC 5322 2.2.3) before reading them.
    const raw = smtp.raw.find((r) => r.includes('ana@example.org'))!.replace(/\r\n[ \t]+/g, ' ');
    const [toAna] = smtp.to('ana@example.org');
    assert.ok(toAna?.html && toAna.text);
    assert.match(raw, /^List-Unsubscribe: <https:\/\/litwatch\.test\/unsubscribe\?token=[\w.-]+>\r?$/m);
    assert.match(raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    assert.equal(toAna.messageId, `<${digestId(ana.id, '2026-11-27')}@litwatch.test>`);
  });

  test('a record title with <script> shows as text and its italics as italics in the HTML part', () => {
    const html = smtp.to('ana@example.org')[0]!.html as string;
    assert.doesNotMatch(html, /<script>/i);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /<i>BRCA1<\/i>/);
  });

  test('a second run sends nothing new: every work was sent to each subscriber once', async () => {
    const sent = await services.subscribers.sent(ana.id);
    assert.equal(sent.size, 3);
    const again = await build(ana);
    assert.equal(again.status, 'exists');
    const tomorrow = new Date('2026-11-28T08:00:00Z');
    const { DigestRun } = await import('../../src/digest/compose-digest.ts');
    const next = await new DigestRun(services, tomorrow).compose((await services.subscribers.get(ana.id))!);
    assert.equal(next.email, undefined, 'nothing new tomorrow either');
    assert.equal(smtp.messages.length, 2);
  });

  test("the digest's web page (where the 'more' line leads) shows every work it delivered", async () => {
    const express = (await import('express')).default;
    const { digestPageRouter } = await import('../../src/web/digest-page.ts');
    const { listen } = await import('../../src/web/web-server.ts');
    const app = express().use(digestPageRouter(services));
    const server = await listen(app, 0);
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const signed = links(base, services.tokens!);
      const page = await fetch(signed.digestUrl(digestId(ana.id, '2026-11-27')));
      assert.equal(page.status, 200);
      const html = await page.text();
      for (const title of ['Radium-223 for bone metastases', 'EGFR-mutant lung cancer spreading to bone in mice', '<i>BRCA1</i>'])
        assert.ok(html.includes(title), title);
      assert.equal((await fetch(signed.digestUrl('dg-000000000000000000000000'))).status, 404);
    } finally {
      server.close();
    }
  });

  test("a digest's page cannot be reached from the reader's unsubscribe or preferences link", async () => {
    const express = (await import('express')).default;
    const { digestPageRouter } = await import('../../src/web/digest-page.ts');
    const { listen } = await import('../../src/web/web-server.ts');
    const server = await listen(express().use(digestPageRouter(services)), 0);
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const signed = links(base, services.tokens!);
      const id = digestId(ana.id, '2026-11-27');
      const real = new URL(signed.digestUrl(id)).pathname;
      // What a forwarded digest gives away: the List-Unsubscribe and preferences links.
      const forwarded = [signed.unsubscribeUrl(ana.id), signed.preferencesUrl(ana.id)].map((url) => new URL(url).searchParams.get('token')!);
      // The subscriber id inside them, and the digest id computed from it, as the old pages took it.
      const subscriberId = JSON.parse(Buffer.from(forwarded[0]!.split('.')[0]!, 'base64url').toString())[1];
      assert.equal(subscriberId, ana.id);
      assert.equal((await fetch(`${base}/digests/${digestId(subscriberId, '2026-11-27')}`)).status, 410, 'a derived bare id opens nothing');
      for (const token of forwarded) assert.equal((await fetch(`${base}/digests/${token}`)).status, 404, 'a token for another page is not one for this');
      // Nothing in the forwarded links is in the page's: its signature is over another payload.
      for (const token of forwarded) assert.ok(!real.includes(token.split('.')[1]!));
      const [body, mac] = real.slice('/digests/'.length).split('.') as [string, string];
      const tampered = `${body}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
      assert.equal((await fetch(`${base}/digests/${tampered}`)).status, 404);
      assert.equal((await fetch(`${base}${real}`)).status, 200);
    } finally {
      server.close();
    }
  });

  test('the send job run twice sends one email', async () => {
    const before = smtp.messages.length;
    await services.queues.mail.add(sendDigest.name, { digestId: digestId(ana.id, '2026-11-27') }, { jobId: 'send-again-manually' });
    const job = await services.queues.mail.getJob('send-again-manually');
    assert.deepEqual(await job!.waitUntilFinished(sends.events, PATIENCE_MS), { status: 'already-sent' });
    assert.equal(smtp.messages.length, before);
  });

  test('an SMTP server that answers 4xx then accepts gets the digest once', async () => {
    await services.works.upsert(article('41000504', 'Spinal cord compression from lung cancer', 26), 'lung');
    const period = '2026-W48';
    const cara = await services.subscribers.save({ email: 'cara@example.org', watches: ['lung'], frequency: 'weekly' }, 'admin', TODAY.getTime());
    smtp.refuse(1);
    const job = await services.queues.digest.add(buildDigest.name, { subscriberId: cara.id, period }, { jobId: `build-cara` });
    await job.waitUntilFinished(builds.events, PATIENCE_MS);
    await waitForSend(digestId(cara.id, period));
    assert.equal(smtp.to('cara@example.org').length, 1);
    const digest = await services.digests.get(digestId(cara.id, period));
    assert.equal(digest?.status, 'sent');
    assert.equal(digest?.attempts, 2);
  });

  test('a send that fails for good stays failed and its works go into the next digest', async () => {
    const dan = await services.subscribers.save({ email: 'dan@example.org', watches: ['bone'], frequency: 'weekly' }, 'admin', TODAY.getTime());
    smtp.refuse(2, '<dan@example.org>: mailbox full, try again later'); // the test retry policy allows 2 attempts
    const job = await services.queues.digest.add(buildDigest.name, { subscriberId: dan.id, period: '2026-W48' }, { jobId: 'build-dan' });
    await job.waitUntilFinished(builds.events, PATIENCE_MS);
    await assert.rejects(waitForSend(digestId(dan.id, '2026-W48')));
    const failed = await services.digests.get(digestId(dan.id, '2026-W48'));
    assert.equal(failed?.status, 'failed');
    assert.match(failed?.lastError ?? '', /<\[address\]>: mailbox full, try again later/);
    assert.doesNotMatch(failed?.lastError ?? '', /dan@example/, 'no address in what is stored or logged');
    const { DigestRun } = await import('../../src/digest/compose-digest.ts');
    const nextWeek = await new DigestRun(services, new Date('2026-12-04T08:00:00Z')).compose((await services.subscribers.get(dan.id))!);
    assert.deepEqual(nextWeek.assembled.workKeys.sort(), failed?.workKeys.sort());
  });
});
