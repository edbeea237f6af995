import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import type { MigratedDatabase } from '../../src/store/db/open-database.ts';
import { queryHash } from '../../src/store/cursor-store.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { awaitEnrichment } from '../helpers/await-enrichment.ts';
import { cliEnv, configDir, runCli, watchesYaml } from '../helpers/cli.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { captureLogs, deletePrefix, testConfig, testDatabase, testPrefix, testServices } from '../helpers/test-services.ts';

/**
 * Issue 18, items 1 and 4: records and replies a broken or hostile upstream sends. One bad
 * record must cost only itself: its batch's good neighbours are stored, the poll completes and
 * the cursor moves; what PostgreSQL still refuses is set aside with the reason; records nobody
 * asked for are never stored as the watch's, and the listed ones that did not come are fetched.
 */
const QUERY = '"Bone Neoplasms/secondary"[Mesh] AND "hostile"[tiab]';
const WATCH = 'hostile';
const USER = 'curator';
const PASSWORD = 'correct horse battery staple';

const GOOD = '41990001';
const SURROGATE_TITLE = '41990002';
const SURROGATE_ABSTRACT = '41990003';
/** PostgreSQL refuses this one whatever its text (see refuseRecord). */
const REFUSED = '41990004';
const GOOD_TOO = '41990005';
const LISTED = [GOOD, SURROGATE_TITLE, SURROGATE_ABSTRACT, REFUSED, GOOD_TOO];
/** In the history server's answer, never in esearch's idlist. */
const UNLISTED = ['41990901', '41990902', '41990903'];

function seed(ncbi: FakeNcbi): void {
  const record = (pmid: string, title: string, abstract = 'Skeletal-related events were counted.') => ({
    pmid,
    edat: '2026/11/25',
    xml: pubmedArticleXml({ pmid, doi: `10.1000/hostile.${pmid}`, title, abstract }),
  });
  ncbi.addRecords([
    record(GOOD, 'Osteoclast activity in bone metastasis'),
    // As PubMed would send them: a character reference XML does not allow, decoded to a lone surrogate.
    record(SURROGATE_TITLE, 'Broken &#xD800;title in bone metastasis'),
    record(SURROGATE_ABSTRACT, 'Denosumab after fracture', 'Patients &#xDC00;were followed for 12 months.'),
    record(REFUSED, 'A record the database refuses'),
    record(GOOD_TOO, 'Radium-223 and skeletal events'),
    ...UNLISTED.map((pmid) => record(pmid, `Unrequested record ${pmid}`)),
  ]);
  ncbi.setQuery(QUERY, LISTED);
  ncbi.addOutputMessage('Quoted phrase not found: "\ud800"');
  ncbi.enterHistoryUnlisted(...UNLISTED);
}

/**
 * Well-formed text leaves nothing in an NCBI reply that PostgreSQL refuses, so a trigger stands
 * in for what it may still refuse (a tsvector over 1 MB, a constraint): the exact refusal jsonb
 * gave a lone surrogate before (SQLSTATE 22P02), for one PMID.
 */
const REFUSE_RECORD = `
CREATE FUNCTION refuse_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.pmid = '${REFUSED}' THEN
    RAISE EXCEPTION 'invalid input syntax for type json' USING ERRCODE = '22P02', DETAIL = 'Unicode low surrogate must follow a high surrogate.';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER refuse_record BEFORE INSERT OR UPDATE ON works FOR EACH ROW EXECUTE FUNCTION refuse_record();`;

describe('hostile records: one bad record costs only itself', () => {
  const prefix = testPrefix('hostile');
  const logs = captureLogs();
  let ncbi: FakeNcbi;
  let services: Services;
  let workers: Worker[];
  let events: OpenQueueEvents;
  let db: MigratedDatabase;
  let first: pollWatch.PollSummary;

  before(async () => {
    ncbi = await new FakeNcbi().start();
    seed(ncbi);
    services = testServices({
      prefix,
      eutilsUrl: ncbi.url,
      config: testConfig([{ id: WATCH, name: 'Hostile', query: QUERY }]),
      env: { DASHBOARD_USER: USER, DASHBOARD_PASSWORD: PASSWORD },
      log: logs.log,
    });
    await services.works.count(); // migrates the test database
    db = testDatabase(prefix);
    await db.exec(REFUSE_RECORD);
    workers = startWorkers(services);
    events = await openQueueEvents(services, 'poll');
    first = await poll({ watchId: WATCH }, 'first');
  });

  after(async () => {
    await closeWorkers(workers);
    await events.close();
    await services.close();
    await db.close();
    await ncbi.close();
    await deletePrefix(prefix);
  });

  async function poll(data: pollWatch.Payload, name: string): Promise<pollWatch.PollSummary> {
    const job = await services.queues.poll.add(pollWatch.name, data, { jobId: `poll-${WATCH}-${name}` });
    const summary = (await job.waitUntilFinished(events.events, 60_000)) as pollWatch.PollSummary;
    await awaitEnrichment(services, summary);
    return summary;
  }

  test('the poll completes and its cursor moves, with the bad record set aside and its neighbours stored', async () => {
    assert.equal(first.cursorMoved, true);
    assert.equal((await services.cursors.get(WATCH, queryHash(QUERY)))?.date, '2026/11/27');
    assert.equal(first.created, 4);
    assert.equal(first.setAside, 1);
    const stored = await services.works.keysForPmids([...LISTED, ...UNLISTED]);
    assert.deepEqual([...stored.keys()].sort(), [GOOD, SURROGATE_TITLE, SURROGATE_ABSTRACT, GOOD_TOO]);
    assert.equal(await services.works.count(WATCH), 4);
    const status = await services.metrics.watchStatus(WATCH);
    assert.equal(status.lastPollOk, true);
  });

  test('lone surrogates in a title, an abstract and an esearch warning arrive as U+FFFD', async () => {
    const title = await services.works.get(`10.1000/hostile.${SURROGATE_TITLE}`);
    assert.equal(title?.article.title, 'Broken \ufffdtitle in bone metastasis');
    const abstract = await services.works.get(`10.1000/hostile.${SURROGATE_ABSTRACT}`);
    assert.equal(abstract?.article.abstract[0]?.text, 'Patients \ufffdwere followed for 12 months.');
    const status = await services.metrics.watchStatus(WATCH);
    assert.deepEqual(status.queryWarnings, [{ source: 'pubmed', kind: 'outputMessage', phrase: 'Quoted phrase not found: "\ufffd"' }]);
  });

  test('records esearch did not list are neither stored nor linked, and the listed ones missing are fetched by id', () => {
    assert.equal(first.unrequested, 3);
    assert.equal(first.missing, 0);
    const byId = ncbi.requests.filter((r) => r.endpoint === 'efetch.fcgi' && r.params.id !== undefined);
    // The history slice of 5 brought the 3 unlisted first and missed the last 3 listed (PubMed's order is newest first).
    assert.deepEqual(
      byId.map((r) => r.params.id),
      [[SURROGATE_ABSTRACT, SURROGATE_TITLE, GOOD].join(',')],
    );
    const mismatch = logs.lines.find((line) => line.event === 'fetch.pmid_mismatch');
    assert.ok(mismatch, 'the mismatch is logged');
    assert.equal(mismatch.asked, 5);
    assert.equal(mismatch.received, 5);
    assert.equal(mismatch.unrequested, 3);
    assert.equal(mismatch.missing, 3);
    assert.equal(mismatch.refetched, 3);
    assert.equal(mismatch.stillMissing, 0);
    assert.deepEqual(mismatch.unrequestedPmids, UNLISTED);
  });

  test('the set-aside record is listed with its reason: by the store, on /admin and by `litwatch set-aside`', async () => {
    const [record, ...others] = await services.setAside.list();
    assert.equal(others.length, 0);
    assert.equal(record?.recordId, REFUSED);
    assert.equal(record?.source, 'pubmed');
    assert.equal(record?.watchId, WATCH);
    assert.equal(record?.title, 'A record the database refuses');
    assert.equal(record?.reason, 'invalid input syntax for type json: Unicode low surrogate must follow a high surrogate. (SQLSTATE 22P02)');
    assert.ok(logs.lines.some((line) => line.event === 'fetch.record_set_aside' && line.pmid === REFUSED));

    const server: Server = await listen(createWebServer(services), 0);
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/admin`, {
        headers: { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` },
      });
      assert.equal(response.status, 200);
      const body = await response.text();
      assert.match(body, /id="set-aside-total">1</);
      const row = /<tr class="set-aside" data-source="pubmed" data-record-id="41990004">.*?<\/tr>/s.exec(body)?.[0];
      assert.ok(row, 'the record has a row');
      assert.match(row, /PMID 41990004/);
      assert.match(row, /invalid input syntax for type json: Unicode low surrogate must follow a high surrogate. \(SQLSTATE 22P02\)/);
    } finally {
      server.closeAllConnections();
      server.close();
    }

    const cli = await runCli(['set-aside'], cliEnv({ LITWATCH_PREFIX: prefix, LITWATCH_CONFIG: configDir(watchesYaml([{ id: WATCH, query: QUERY }])) }));
    assert.equal(cli.code, 0, cli.stderr);
    const [line] = cli.stdout.trim().split('\n');
    const fields = line?.split('\t') ?? [];
    assert.deepEqual([fields[0], fields[1], fields[2], fields[4]], ['pubmed', REFUSED, WATCH, '1']);
    assert.match(fields[5] ?? '', /SQLSTATE 22P02/);
    assert.equal(fields[6], 'A record the database refuses');
    assert.match(cli.stderr, /^1 record set aside$/m);
  });

  test("a lone surrogate that reaches the store anyway is PostgreSQL's jsonb refusal for that record alone", async () => {
    const good = makeArticle({ pmid: '41990101', doi: '10.1000/hostile.store.1', title: 'Stored beside a bad record' });
    const bad = makeArticle({ pmid: '41990102', doi: '10.1000/hostile.store.2', title: 'Not well-formed \ud800 title' });
    const { stored, refused } = await services.works.upsertEach([good, bad], 'store-only');
    assert.deepEqual(
      stored.map((r) => [r.key, r.status]),
      [['10.1000/hostile.store.1', 'created']],
    );
    assert.equal(refused.length, 1);
    assert.equal(refused[0]?.article.pmid, '41990102');
    assert.match(refused[0]?.reason ?? '', /Unicode low surrogate must follow a high surrogate.*\(SQLSTATE 22P02\)/);
  });

  test('a stored search that does not validate is searched again, not replayed; a record stored later leaves the set-aside list', async () => {
    await db.exec('DROP TRIGGER refuse_record ON works');
    const searches = ncbi.count('esearch.fcgi');
    // What a poll stored before this fix: its esearch's warning with a lone surrogate, its step past the search.
    const replay = await poll(
      {
        watchId: WATCH,
        window: { min: '2026/10/28', max: '2026/11/27' },
        queryHash: queryHash(QUERY),
        sources: ['pubmed'],
        plans: [{ source: 'pubmed', hits: 0, linked: 0, batches: [], warnings: [{ source: 'pubmed', kind: 'outputMessage', phrase: 'bad \ud800' }] }],
        step: 'wait',
      },
      'stored-bad-search',
    );
    assert.equal(ncbi.count('esearch.fcgi'), searches + 1, 'searched again');
    assert.equal(replay.hits, 5);
    assert.ok(logs.lines.some((line) => line.event === 'poll.search_dropped'));
    assert.equal((await services.metrics.watchStatus(WATCH)).lastPollOk, true);
    // The refused record was in a slice not all stored, so it was fetched again and now stored.
    assert.equal(replay.created, 1);
    assert.equal(replay.setAside, 0);
    assert.deepEqual(await services.setAside.list(), []);
    assert.equal(await services.works.count(WATCH), 5);
  });
});
