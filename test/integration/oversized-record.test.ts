import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as buildDigest from '../../jobs/build-digest.ts';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { DigestRun, ENTRY_BUDGET_BYTES } from '../../src/digest/compose-digest.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { digestId } from '../../src/store/digest-store.ts';
import type { Subscriber } from '../../src/store/subscriber-store.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { deletePrefix, REFERENCE_DAY, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

const QUERY = '"bone metastas*"[tiab]';
const PERIOD = '2026-11-27';
/** Issue 18: one record whose title alone is 5 MB (under the 16 MB a record may have). */
const GIANT_TITLE = `Giant record ${'Osteolysis '.repeat(476_000)}end`;
const GIANT_PMID = '41000900';
const NEIGHBOURS = [
  { pmid: '41000901', title: 'Radium-223 in bone-metastatic prostate cancer' },
  { pmid: '41000902', title: 'Osteoclast niches in breast cancer bone metastasis' },
  { pmid: '41000903', title: 'Denosumab versus zoledronic acid: a review' },
];
/** What a page or feed may weigh with the giant record in it: a real work page is a few kB, the was 10 MB. */
const PAGE_LIMIT = 100_000;

describe('a record with a 5 MB title, polled, shown and mailed within the caps', () => {
  const prefix = testPrefix('oversized');
  let ncbi: FakeNcbi;
  let smtp: SmtpSink;
  let services: Services;
  let workers: Worker[] = [];
  let polls: OpenQueueEvents;
  let builds: OpenQueueEvents;
  let sends: OpenQueueEvents;
  let server: Server;
  let base = '';
  let ana: Subscriber;
  let ben: Subscriber;

  before(async () => {
    ncbi = await new FakeNcbi().start();
    ncbi.addRecords([
      { pmid: GIANT_PMID, edat: '2026/11/25', xml: pubmedArticleXml({ pmid: GIANT_PMID, doi: '10.1000/giant.1', title: GIANT_TITLE, day: 25 }) },
      ...NEIGHBOURS.map(({ pmid, title }, i) => ({
        pmid,
        edat: `2026/11/2${4 - i}`,
        xml: pubmedArticleXml({ pmid, doi: `10.1000/neighbour.${pmid}`, title, day: 24 - i, abstract: `${title}. We studied it. It worked.` }),
      })),
    ]);
    ncbi.setQuery(QUERY, [GIANT_PMID, ...NEIGHBOURS.map((n) => n.pmid)]);
    smtp = await new SmtpSink().start();
    services = testServices({
      prefix,
      eutilsUrl: ncbi.url,
      config: testConfig([{ id: 'bone', name: 'Bone metastasis', query: QUERY }]),
      env: { SMTP_URL: smtp.url, LITWATCH_PUBLIC_URL: 'https://litwatch.test' },
    });
    workers = startWorkers(services);
    polls = await openQueueEvents(services, 'poll');
    builds = await openQueueEvents(services, 'digest');
    sends = await openQueueEvents(services, 'mail');
    ana = await services.subscribers.save({ email: 'ana@example.org', watches: ['bone'], frequency: 'daily' }, 'admin', REFERENCE_DAY.getTime());
    ben = await services.subscribers.save({ email: 'ben@example.org', watches: ['bone'], frequency: 'daily' }, 'admin', REFERENCE_DAY.getTime());
    const poll = await services.queues.poll.add(pollWatch.name, { watchId: 'bone' }, { jobId: 'poll-bone-oversized' });
    await poll.waitUntilFinished(polls.events, 120_000);
    server = await listen(createWebServer(services), 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server?.closeAllConnections();
    server?.close();
    await closeWorkers(workers);
    await Promise.all([polls, builds, sends].map((events) => events?.close()));
    await services.close();
    await smtp.close();
    await ncbi.close();
    await deletePrefix(prefix);
  });

  /** Builds the subscriber's digest through the queues and waits for its send job to end. */
  async function deliver(subscriber: Subscriber): Promise<void> {
    const build = await services.queues.digest.add(buildDigest.name, { subscriberId: subscriber.id, period: PERIOD }, { jobId: `build-${subscriber.id}` });
    await build.waitUntilFinished(builds.events, 60_000);
    const send = await services.queues.mail.getJob(`send-${digestId(subscriber.id, PERIOD)}`);
    assert.ok(send, 'a send job was queued');
    await send.waitUntilFinished(sends.events, 60_000);
  }

  test('the poll stores the giant record whole and its neighbours', async () => {
    const giant = await services.works.get('10.1000/giant.1');
    // Compared without printing: a failing assert would dump 5 MB.
    assert.ok(giant?.article.title === GIANT_TITLE, `the store keeps every character (${giant?.article.title.length} of ${GIANT_TITLE.length})`);
    for (const { pmid, title } of NEIGHBOURS) assert.equal((await services.works.get(`10.1000/neighbour.${pmid}`))?.article.title, title);
  });

  test('the digest goes out over SMTP with every neighbour, the giant title cut with its mark, within the budget', async () => {
    await deliver(ana);
    const [message] = smtp.to('ana@example.org');
    assert.ok(message, 'the digest was sent');
    const raw = smtp.raw.find((r) => r.includes('ana@example.org'))!;
    assert.ok(raw.length < ENTRY_BUDGET_BYTES, `the message is ${raw.length} bytes`);
    assert.ok(raw.length < 200_000, `the message is ${raw.length} bytes (the issue's was 14.4 MB)`);
    const html = String(message.html);
    for (const { title } of NEIGHBOURS) assert.ok(html.includes(title), `neighbour "${title}" is in the email`);
    assert.ok(html.includes('Giant record Osteolysis'), 'the giant work has its entry');
    assert.match(html, /Osteo\w*… \[cut: [\d,]+ more characters\]/);
    assert.match(String(message.text), /Osteo\w*… \[cut: [\d,]+ more characters\]/);
    const digest = await services.digests.get(digestId(ana.id, PERIOD));
    assert.equal(digest?.status, 'sent');
    assert.equal((await services.subscribers.sent(ana.id)).size, 4, 'all four works are delivered');
  });

  test("the giant work's page and the watch's feeds stay small, with the title cut", async () => {
    const page = await (await fetch(`${base}/works/${encodeURIComponent('10.1000/giant.1')}`)).text();
    assert.ok(page.length < PAGE_LIMIT, `work page ${page.length} bytes (the issue's was 10 MB)`);
    assert.match(page, /\[cut: [\d,]+ more characters\]/);
    for (const feed of ['bone.atom', 'bone.json']) {
      const body = await (await fetch(`${base}/feeds/${feed}`)).text();
      assert.ok(body.length < PAGE_LIMIT, `${feed} ${body.length} bytes (the issue's was 21 MB)`);
      for (const { title } of NEIGHBOURS) assert.ok(body.includes(title), `${feed} lists "${title}"`);
      assert.match(body, /\[cut: [\d,]+ more characters\]/, `${feed} shows the title cut`);
    }
  });

  test('a mail server refusing the digest for its size (552) gets it rebuilt without the largest entry, not the same message again', async () => {
    // The server's limit falls between the digest with the giant entry and the digest without it.
    const composed = await new DigestRun(services, services.now()).compose(ben);
    const entries = composed.assembled.entryBytes!;
    const giant = entries.find((e) => e.key === '10.1000/giant.1')!;
    assert.ok(
      entries.every((e) => e === giant || e.bytes < giant.bytes),
      'the giant entry is the largest',
    );
    const anaRaw = smtp.raw.find((r) => r.includes('ana@example.org'))!.length;
    // Parts go base64-encoded: 4/3 of their bytes. Ben's digest is Ana's with other links of the same length.
    const limit = Math.round(anaRaw - (giant.bytes * 4) / 3 / 2);
    smtp.limitSize(limit);
    try {
      await deliver(ben);
    } finally {
      smtp.limitSize(0);
    }
    assert.equal(smtp.refusedForSize.length, 1, 'refused once, for its size');
    const sent = smtp.to('ben@example.org');
    assert.equal(sent.length, 1, 'then sent once, rebuilt');
    const html = String(sent[0]!.html);
    assert.ok(!html.includes('Giant record'), 'without the giant entry');
    for (const { title } of NEIGHBOURS) assert.ok(html.includes(title), `neighbour "${title}" is in the rebuilt email`);
    assert.ok(html.includes('1 more publication is not in this email, 1 of them for its size.'));
    assert.match(html, /Read all 4 on the web/);
    const digest = await services.digests.get(digestId(ben.id, PERIOD));
    assert.equal(digest?.status, 'sent');
    // The giant work went out with the digest (on its page): it is not offered again, refused again, for 90 days.
    assert.ok((await services.subscribers.sent(ben.id)).has('10.1000/giant.1'));
    const again = await new DigestRun(services, services.now()).compose(ben);
    assert.equal(again.assembled.workKeys.length, 0, 'nothing left for the next digest');
  });
});
