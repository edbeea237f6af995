import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { NcbiReplyTooLargeError, NcbiUnexpectedReplyError } from '../../src/ncbi/errors.ts';
import { efetchByIds, esearch } from '../../src/ncbi/eutils.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { captureLogs, deletePrefix, deleteRateLimitKey, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS, until } from '../helpers/until.ts';

const WINDOW = { min: '2026/11/01', max: '2026/11/27' };
const QUERY = 'osteoclast[tiab]';

describe('replies that do not fit their documented shape', () => {
  let ncbi: FakeNcbi;
  let services: Services;
  let workers: Worker[];
  let events: OpenQueueEvents;
  const logs = captureLogs();
  const prefix = testPrefix('unexpected');

  before(async () => {
    ncbi = await new FakeNcbi().start();
    const pmids = Array.from({ length: 40 }, (_, i) => String(41_000_700 + i));
    ncbi.addRecords(
      pmids.map((pmid) => ({
        pmid,
        edat: '2026/11/20',
        xml: pubmedArticleXml({ pmid, doi: `10.5555/unexpected.${pmid}`, title: `Osteoclasts ${pmid}`, abstract: 'x'.repeat(400) }),
      })),
    );
    ncbi.setQuery(QUERY, pmids);
    // 40 records are about 40 kB: a 16 kB limit cuts them off.
    services = testServices({
      prefix,
      eutilsUrl: ncbi.url,
      config: testConfig([{ id: 'odd', query: QUERY }]),
      log: logs.log,
      env: { NCBI_MAX_REPLY_BYTES: '16384' },
    });
    workers = startWorkers(services);
    events = await openQueueEvents(services, 'poll');
  });

  after(async () => {
    await closeWorkers(workers);
    await events.close();
    await services.close();
    await ncbi.close();
    await deletePrefix(prefix);
    await deleteRateLimitKey(ncbi.url);
  });

  /**
   * The counters once every request the stand-in answered is counted: a request is counted
   * after its reply (not awaited by the caller), so a count read at once may still miss the
   * last ones, or let an earlier test's land inside this one's figures on a busy machine.
   */
  async function countersOfEveryRequest() {
    let counters = await services.metrics.counters();
    await until(async () => (counters = await services.metrics.counters()).ncbi_requests_total === ncbi.requests.length);
    return counters;
  }

  test('an HTML page sent with status 200 is logged, asked for once more, and read when the next reply fits', async () => {
    ncbi.failNext('esearch.fcgi', 'html-200');
    const before = ncbi.count('esearch.fcgi');
    const result = await esearch(services.ncbi, { db: 'pubmed', term: QUERY, window: WINDOW });
    assert.equal(result.count, 40);
    assert.equal(ncbi.count('esearch.fcgi') - before, 2);
    const line = logs.lines.find((l) => l.event === 'ncbi.unexpected_reply');
    assert.ok(line, 'an ncbi.unexpected_reply line');
    assert.equal(line.service, 'eutils');
    assert.equal(line.endpoint, 'esearch.fcgi');
    assert.equal(line.status, 200);
    assert.equal(typeof line.excerpt, 'string');
    assert.ok((line.excerpt as string).startsWith('<!DOCTYPE html>') && (line.excerpt as string).length <= 300);
  });

  test('two truncated replies in a row: two requests, then an NcbiUnexpectedReplyError', async () => {
    ncbi.failNext('esearch.fcgi', 'truncated', 'truncated');
    const before = ncbi.count('esearch.fcgi');
    await assert.rejects(esearch(services.ncbi, { db: 'pubmed', term: QUERY, window: WINDOW }), NcbiUnexpectedReplyError);
    assert.equal(ncbi.count('esearch.fcgi') - before, 2, 'asked twice, not for minutes');
  });

  test('a poll whose search keeps answering HTML fails for good after at most two tries, and is counted', async () => {
    ncbi.failNext('esearch.fcgi', 'html-200', 'html-200', 'html-200', 'html-200');
    const before = ncbi.count('esearch.fcgi');
    const counted = (await countersOfEveryRequest()).ncbi_unexpected_replies_total;
    const job = await services.queues.poll.add(pollWatch.name, { watchId: 'odd' }, { jobId: 'poll-odd-html' });
    await assert.rejects(job.waitUntilFinished(events.events, PATIENCE_MS), /esearch: reply is not JSON/);
    const failed = await services.queues.poll.getJob('poll-odd-html');
    assert.equal(failed?.attemptsMade, 1, 'the job was not retried (the retry policy allows 2 attempts)');
    assert.equal(ncbi.count('esearch.fcgi') - before, 2);
    assert.equal((await countersOfEveryRequest()).ncbi_unexpected_replies_total - counted, 2);
  });

  test('a reply past NCBI_MAX_REPLY_BYTES is cut off with a clear log line and not asked for again', async () => {
    const before = ncbi.count('efetch.fcgi');
    const pmids = Array.from({ length: 40 }, (_, i) => String(41_000_700 + i));
    await assert.rejects(efetchByIds(services.ncbi, 'pubmed', pmids), NcbiReplyTooLargeError);
    assert.equal(ncbi.count('efetch.fcgi') - before, 1);
    const line = logs.lines.find((l) => l.event === 'ncbi.reply_too_large');
    assert.ok(line);
    assert.equal(line.limitBytes, 16384);
    assert.match(String(line.msg), /NCBI_MAX_REPLY_BYTES/);
    // A reply under the limit is read whole.
    assert.match(await efetchByIds(services.ncbi, 'pubmed', pmids.slice(0, 2)), /<\/PubmedArticleSet>\s*$/);
  });
});
