import assert from 'node:assert/strict';
import http, { type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import { XMLParser } from 'fast-xml-parser';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { awaitEnrichment } from '../helpers/await-enrichment.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { freePort } from '../helpers/free-port.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { captureLogs, deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

const BONE = '"bone metastas*"[tiab]';
const PROSTATE = '"Prostatic Neoplasms"[Mesh] AND "bone"[tiab]';
/** An old SICI DOI: `<`, `>`, `;` and `:` in one identifier, as Wiley still serves them. */
const SICI_DOI = '10.1002/(SICI)1097-4636(199706)35:4<427::AID-JBM4>3.0.CO;2-E';
const JOURNAL = 'Bone & Joint <Research>';

/** A GET from a given local address (fetch() cannot choose one): each address is a client of its own. */
function get(url: string, localAddress: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { localAddress, headers, agent: false }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
      })
      .on('error', reject);
  });
}

describe('feeds from the cache: validators, 304s, one build per change, a limit per client, what readers use', () => {
  const prefix = testPrefix('feed-cache');
  const logs = captureLogs();
  let ncbi: FakeNcbi;
  let services: Services;
  let workers: Worker[];
  let events: OpenQueueEvents;
  let server: Server;
  let limited: Server;
  let base = '';

  const builds = (watchId: string) => logs.lines.filter((line) => line.event === 'feed.built' && line.watchId === watchId).length;

  async function poll(watchId: string): Promise<void> {
    const job = await services.queues.poll.add(pollWatch.name, { watchId }, { jobId: `poll-${watchId}-${Date.now()}` });
    await awaitEnrichment(services, (await job.waitUntilFinished(events.events, 20_000)) as pollWatch.PollSummary);
  }

  before(async () => {
    ncbi = await new FakeNcbi().start();
    ncbi.addRecords([
      {
        pmid: '41100001',
        edat: '2026/11/25',
        xml: pubmedArticleXml({
          pmid: '41100001',
          doi: SICI_DOI,
          pmcid: 'PMC12900001',
          journal: JOURNAL,
          title: 'Osteoclast niches in bone metastasis',
          day: 25,
        }),
      },
      { pmid: '41100002', edat: '2026/11/24', xml: pubmedArticleXml({ pmid: '41100002', title: 'Radium-223 in bone-metastatic prostate cancer', day: 24 }) },
    ]);
    ncbi.setQuery(BONE, ['41100001']);
    ncbi.setQuery(PROSTATE, ['41100002']);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = testConfig([
      { id: 'bone', name: 'Bone metastasis', query: BONE },
      { id: 'prostate', name: 'Prostate cancer in bone', query: PROSTATE },
    ]);
    services = testServices({ prefix, eutilsUrl: ncbi.url, config, env: { LITWATCH_PUBLIC_URL: base }, log: logs.log });
    workers = startWorkers(services);
    events = await openQueueEvents(services, 'poll');
    await poll('bone');
    await poll('prostate');
    server = await listen(createWebServer(services, { feeds: { requests: 1000, recheckMs: 0 } }), port);
    limited = await listen(createWebServer(services, { feeds: { requests: 3 } }), 0);
  });

  after(async () => {
    for (const s of [server, limited]) {
      s?.closeAllConnections();
      s?.close();
    }
    await closeWorkers(workers);
    await events.close();
    await services.close();
    await ncbi.close();
    await deletePrefix(prefix);
  });

  test('a feed carries a strong ETag, Last-Modified and Cache-Control, and the JSON Feed its own ETag', async () => {
    const atom = await fetch(`${base}/feeds/bone.atom`);
    assert.equal(atom.status, 200);
    assert.match(atom.headers.get('etag') ?? '', /^"[\w-]{32}"$/);
    assert.ok(!Number.isNaN(Date.parse(atom.headers.get('last-modified') ?? '')), 'an HTTP date');
    assert.match(atom.headers.get('cache-control') ?? '', /public, max-age=\d+/);
    assert.match(await atom.text(), /<feed /);
    const json = await fetch(`${base}/feeds/bone.json`);
    assert.match(json.headers.get('etag') ?? '', /^"[\w-]{32}"$/);
    assert.notEqual(json.headers.get('etag'), atom.headers.get('etag'));
  });

  test('If-None-Match (strong or weak form) and If-Modified-Since are answered 304 with no body; another ETag gets the feed', async () => {
    const first = await fetch(`${base}/feeds/bone.atom`);
    await first.arrayBuffer();
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    // fetch() adds `Cache-Control: no-cache` to a request with If-None-Match: a 304 all the same.
    const conditions: Record<string, string>[] = [
      { 'if-none-match': etag },
      { 'if-none-match': `"other", W/${etag}` },
      { 'if-modified-since': lastModified },
      { 'if-none-match': '*' },
    ];
    for (const headers of conditions) {
      const again = await fetch(`${base}/feeds/bone.atom`, { headers });
      assert.equal(again.status, 304, JSON.stringify(headers));
      assert.equal(await again.text(), '');
      assert.equal(again.headers.get('etag'), etag, 'a 304 carries the validator');
    }
    // If-None-Match decides when both are sent (RFC 9110 13.2.2): a stale ETag gets the feed.
    const stale = await fetch(`${base}/feeds/bone.atom`, { headers: { 'if-none-match': '"stale"', 'if-modified-since': lastModified } });
    assert.equal(stale.status, 200);
    assert.match(await stale.text(), /Osteoclast niches/);
  });

  test('a reader that takes gzip gets it, one that does not gets the plain bytes, each with its own ETag', async () => {
    const plain = await fetch(`${base}/feeds/bone.atom`, { headers: { 'accept-encoding': 'identity' } });
    const gzipped = await fetch(`${base}/feeds/bone.atom`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.equal(gzipped.headers.get('content-encoding'), 'gzip');
    for (const response of [plain, gzipped]) assert.equal(response.headers.get('vary'), 'Accept-Encoding');
    assert.notEqual(plain.headers.get('etag'), gzipped.headers.get('etag'));
    // fetch() has decoded the gzipped body: both are the same document.
    assert.equal(await gzipped.text(), await plain.text());
    const again = await fetch(`${base}/feeds/bone.atom`, { headers: { 'accept-encoding': 'identity', 'if-none-match': plain.headers.get('etag')! } });
    assert.equal(again.status, 304);
  });

  test('twenty requests at once for a feed never built make one build', async () => {
    assert.equal(builds('prostate'), 0);
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const response = await fetch(`${base}/feeds/prostate.${i % 2 === 0 ? 'atom' : 'json'}`);
        return { status: response.status, etag: response.headers.get('etag'), body: await response.text() };
      }),
    );
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    assert.equal(new Set(answers.map((a) => a.etag)).size, 2, 'one ETag per format');
    for (const answer of answers) assert.match(answer.body, /Radium-223/);
    assert.equal(builds('prostate'), 1);
    // Served from the cache from now on, until the works change.
    await (await fetch(`${base}/feeds/prostate.atom`)).text();
    assert.equal(builds('prostate'), 1);
  });

  test('a poll that adds a work makes the next request build the feed again, with a new ETag and a later Last-Modified', async () => {
    const before = await fetch(`${base}/feeds/bone.atom`);
    await before.text();
    const etag = before.headers.get('etag')!;
    const lastModified = before.headers.get('last-modified')!;
    const built = builds('bone');
    ncbi.addRecords([{ pmid: '41100003', edat: '2026/11/26', xml: pubmedArticleXml({ pmid: '41100003', title: 'Denosumab and skeletal events', day: 26 }) }]);
    ncbi.setQuery(BONE, ['41100001', '41100003']);
    await poll('bone');
    const conditions: Record<string, string>[] = [{ 'if-none-match': etag }, { 'if-modified-since': lastModified }];
    for (const headers of conditions) {
      const after = await fetch(`${base}/feeds/bone.atom`, { headers });
      assert.equal(after.status, 200, JSON.stringify(headers));
      assert.notEqual(after.headers.get('etag'), etag);
      assert.ok(Date.parse(after.headers.get('last-modified')!) > Date.parse(lastModified));
      assert.match(await after.text(), /Denosumab and skeletal events/);
    }
    assert.equal(builds('bone'), built + 1);
  });

  test('past its limit a client is answered 429 with Retry-After, 304s counted too, by every web process alike', async () => {
    // A client address of its own (all of 127/8 is local): the other tests' requests counted for 127.0.0.1.
    const client = '127.0.0.77';
    const url = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/feeds/bone.atom`;
    const first = await get(url(limited), client);
    assert.equal(first.status, 200);
    for (let i = 0; i < 2; i++) assert.equal((await get(url(limited), client, { 'if-none-match': String(first.headers.etag) })).status, 304);
    const refused = await get(url(limited), client);
    assert.equal(refused.status, 429);
    assert.match(String(refused.headers['retry-after']), /^[1-9]\d*$/);
    assert.ok(Number(refused.headers['retry-after']) <= 60);
    // Another web process (another app on the same Redis prefix) counts the same client's requests.
    const other = await listen(createWebServer(services, { feeds: { requests: 3 } }), 0);
    try {
      assert.equal((await get(url(other), client)).status, 429);
      assert.equal((await get(url(other), '127.0.0.78')).status, 200, 'another client is not refused');
    } finally {
      other.closeAllConnections();
      other.close();
    }
  });

  test('an Atom entry carries the DOI, journal, publication date and PubMed, PMC and DOI links, escaped', async () => {
    const xml = await (await fetch(`${base}/feeds/bone.atom`)).text();
    assert.ok(xml.includes('Bone &amp; Joint &lt;Research&gt;'), 'the journal escaped as text');
    assert.ok(!xml.includes('<Research>') && !xml.includes('<427::'), 'nothing of the record read as markup');
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (name) => ['entry', 'link'].includes(name) }).parse(xml);
    assert.equal(parsed.feed['@_xmlns:prism'], 'http://prismstandard.org/namespaces/basic/2.0/');
    assert.equal(parsed.feed['@_xmlns:dc'], 'http://purl.org/dc/elements/1.1/');
    const entry = parsed.feed.entry.find((e: Record<string, unknown>) => e['prism:doi'] !== undefined);
    assert.equal(entry['prism:doi'], SICI_DOI);
    assert.equal(entry['dc:identifier'], `doi:${SICI_DOI}`);
    assert.equal(entry['prism:publicationName'], JOURNAL);
    assert.equal(entry['prism:publicationDate'], '2026-11-25');
    const related = Object.fromEntries(
      entry.link.filter((l: Record<string, string>) => l['@_rel'] === 'related').map((l: Record<string, string>) => [l['@_title'], l['@_href']]),
    );
    assert.deepEqual(related, {
      PubMed: 'https://pubmed.ncbi.nlm.nih.gov/41100001/',
      PMC: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC12900001/',
      DOI: 'https://doi.org/10.1002/(SICI)1097-4636(199706)35%3A4%3C427%3A%3AAID-JBM4%3E3.0.CO%3B2-E',
    });
    assert.equal(entry.link[0]['@_rel'], 'alternate', "the work's page stays the first link");
    // The HTML content a reader renders: the journal and DOI as escaped text inside it.
    assert.ok(entry.content['#text'].includes('<p>Bone &amp; Joint &lt;Research&gt; · 2026-11-25</p>'), entry.content['#text']);
  });

  test('a JSON Feed item carries them as external_url and the _litwatch extension, its HTML escaped', async () => {
    const feed = (await (await fetch(`${base}/feeds/bone.json`)).json()) as { items: Record<string, unknown>[] };
    const item = feed.items.find((i) => (i._litwatch as Record<string, unknown>).doi === SICI_DOI)!;
    assert.equal(item.external_url, 'https://doi.org/10.1002/(SICI)1097-4636(199706)35%3A4%3C427%3A%3AAID-JBM4%3E3.0.CO%3B2-E');
    assert.deepEqual(item._litwatch, {
      doi: SICI_DOI,
      pmid: '41100001',
      pmcid: 'PMC12900001',
      journal: JOURNAL,
      publication_date: '2026-11-25',
      pubmed_url: 'https://pubmed.ncbi.nlm.nih.gov/41100001/',
      pmc_url: 'https://pmc.ncbi.nlm.nih.gov/articles/PMC12900001/',
      doi_url: item.external_url,
    });
    const html = String(item.content_html);
    assert.ok(html.includes('Bone &amp; Joint &lt;Research&gt;') && html.includes('35:4&lt;427::AID-JBM4&gt;3.0.CO;2-E'), html);
    assert.ok(!html.includes('<Research>'));
  });
});
