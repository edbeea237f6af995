import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import type { Article } from '../../src/parse/article.ts';
import type { MigratedDatabase } from '../../src/store/db/open-database.ts';
import { migrate, migrationStatus } from '../../src/store/db/migrate.ts';
import { ConfigStore } from '../../src/store/config-store.ts';
import { CursorStore, queryHash } from '../../src/store/cursor-store.ts';
import { DigestStore, digestId } from '../../src/store/digest-store.ts';
import { EnrichmentStore } from '../../src/store/enrichment-store.ts';
import { FeedStore } from '../../src/store/feed-store.ts';
import { MetricsStore } from '../../src/store/metrics-store.ts';
import { NoticeStore } from '../../src/store/notice-store.ts';
import { SetAsideStore } from '../../src/store/set-aside-store.ts';
import { SubscriberStore } from '../../src/store/subscriber-store.ts';
import { VocabularyStore } from '../../src/store/vocabulary-store.ts';
import { WorkStore } from '../../src/store/work-store.ts';
import { captureLogs, deleteRedisKeys, REDIS_URL } from '../helpers/test-services.ts';

export function article(fields: Partial<Article> & { pmid?: string }): Article {
  return {
    kind: 'pubmed',
    title: `Work ${fields.pmid ?? fields.pmcid}`,
    abstract: [],
    authors: [],
    journal: { title: 'Bone' },
    languages: ['eng'],
    publicationTypes: ['Journal Article'],
    keywords: [],
    mesh: [],
    comments: [],
    ...fields,
  };
}

/**
 * Every store against one database: run once on a PostgreSQL server and once on the embedded
 * one, so both speak the same SQL.
 */
export function storeSuite(kind: string, open: () => { db: MigratedDatabase; prefix: string; cleanUp(): Promise<void> }): void {
  describe(`the stores on ${kind}`, () => {
    let db: MigratedDatabase;
    let prefix: string;
    let cleanUp: () => Promise<void>;
    let redis: Redis;
    const logs = captureLogs();
    let works: WorkStore;

    before(async () => {
      ({ db, prefix, cleanUp } = open());
      await db.ready();
      redis = new Redis(REDIS_URL);
      works = new WorkStore(db, logs.log);
    });
    after(async () => {
      await db.close();
      await deleteRedisKeys(prefix);
      await redis.quit();
      await cleanUp();
    });

    test('migrations: from empty all applied, applied again a no-op', async () => {
      const status = await migrationStatus(db);
      assert.deepEqual(status.pending, []);
      assert.equal(status.applied.at(-1)?.version, status.codeVersion);
      assert.deepEqual(await migrate(db), []);
      assert.equal((await migrationStatus(db)).applied.length, status.applied.length);
    });

    test('a work first seen without a DOI stays one work when its DOI appears', async () => {
      const first = await works.upsert(article({ pmid: '9997' }), 'bone');
      assert.deepEqual(first, { key: 'pmid:9997', status: 'created', watchAdded: true });
      const later = await works.upsert(article({ pmid: '9997', doi: '10.1016/0014-5793(76)80045-3' }), 'bone');
      assert.deepEqual(later, { key: 'pmid:9997', status: 'updated', watchAdded: false });
      const byDoi = await works.upsert(article({ pmid: '9997', doi: 'https://doi.org/10.1016/0014-5793(76)80045-3' }), 'lung');
      assert.equal(byDoi.key, 'pmid:9997');
      assert.equal(await works.count(), 1);
      assert.equal((await works.get('pmid:9997'))?.doi, 'https://doi.org/10.1016/0014-5793(76)80045-3');
    });

    test('storing the same record again changes nothing', async () => {
      const a = article({ pmid: '41000010', doi: '10.1000/same' });
      assert.equal((await works.upsert(a, 'bone')).status, 'created');
      assert.deepEqual(await works.upsert(a, 'bone'), { key: '10.1000/same', status: 'unchanged', watchAdded: false });
    });

    test('concurrent upserts of one work make one record listing every watch', async () => {
      const a = article({ pmid: '41000020', doi: '10.1000/RACE' });
      const results = await Promise.all([works.upsert(a, 'bone'), works.upsert(a, 'prostate'), works.upsert(a, 'lung')]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['created', 'unchanged', 'unchanged']);
      assert.deepEqual((await works.get('10.1000/race'))?.watches, ['bone', 'lung', 'prostate']);
    });

    test('a second PubMed record of the same DOI joins the work, logged, without replacing its record', async () => {
      await works.upsert(article({ pmid: '41000030', doi: '10.1000/dup', title: 'Original' }), 'bone');
      const dup = await works.upsert(article({ pmid: '41000031', doi: '10.1000/DUP', title: 'Duplicate record' }), 'bone');
      assert.equal(dup.status, 'duplicate');
      assert.equal((await works.get('10.1000/dup'))?.title, 'Original');
      assert.deepEqual(
        await works.keysForPmids(['41000030', '41000031', '1']),
        new Map([
          ['41000030', '10.1000/dup'],
          ['41000031', '10.1000/dup'],
        ]),
      );
      const logged = logs.lines.find((l) => l.event === 'store.id_conflict' && JSON.stringify(l).includes('41000031'));
      assert.ok(logged, 'the second record is logged, not dropped silently');
    });

    test('a work is found again by its PMCID when a later record has neither its DOI nor its PMID', async () => {
      await works.upsert(article({ pmid: '41000040', pmcid: 'PMC7000040' }), 'bone');
      const again = await works.upsert(article({ pmid: '41000041', pmcid: 'PMC7000040' }), 'bone');
      assert.equal(again.key, 'pmid:41000040');
    });

    test('two records with different DOIs are two works even when they share a PMCID (or PMID): both kept, the conflict logged', async () => {
      const first = await works.upsert(article({ pmid: '41000050', doi: '10.1000/first', pmcid: 'PMC7000050' }), 'bone');
      const second = await works.upsert(article({ pmid: '41000051', doi: '10.1000/second', pmcid: 'PMC7000050' }), 'bone');
      const third = await works.upsert(article({ pmid: '41000050', doi: '10.1000/third' }), 'bone');
      assert.deepEqual([first.key, second.key, third.key], ['10.1000/first', '10.1000/second', '10.1000/third']);
      assert.deepEqual([second.status, third.status], ['created', 'created']);
      assert.ok((await works.get('10.1000/second'))?.article.title);
      // The shared ids stay with the first work.
      assert.equal((await works.keysForPmcids(['PMC7000050'])).get('PMC7000050'), '10.1000/first');
      assert.equal((await works.keysForPmids(['41000050'])).get('41000050'), '10.1000/first');
      const conflicts = logs.lines.filter((l) => l.event === 'store.id_conflict' && JSON.stringify(l).includes('10.1000/first'));
      assert.equal(conflicts.length, 2);
      assert.deepEqual((conflicts[0] as { record: object; existing: object }).existing, {
        key: '10.1000/first',
        doi: '10.1000/first',
        pmid: '41000050',
        pmcid: 'PMC7000050',
      });
      assert.deepEqual((conflicts[0] as { record: object }).record, { doi: '10.1000/second', pmid: '41000051', pmcid: 'PMC7000050' });
    });

    test('a batch (upsertMany, stored set-wise) answers record by record as upsert does', async () => {
      const seed = [
        article({ pmid: '41000161', doi: '10.1000/b-same' }),
        article({ pmid: '41000162' }),
        article({ pmid: '41000163', doi: '10.1000/b-changed' }),
        article({ pmid: '41000164', doi: '10.1000/b-pmc', pmcid: 'PMC7000164' }),
        article({ pmid: '41000165', doi: '10.1000/b-dup' }),
        article({ pmid: '41000166', doi: '10.1000/b-owner' }),
      ];
      for (const a of seed) await works.upsert(a, 'bone');
      const batch = [
        article({ pmid: '41000160', doi: '10.1000/b-new' }),
        seed[0]!,
        article({ pmid: '41000162', doi: '10.1000/b-doi-later' }),
        article({ pmid: '41000163', doi: '10.1000/b-changed', title: 'A corrected title' }),
        article({ kind: 'pmc', doi: '10.1000/b-pmc', pmcid: 'PMC7000164', title: 'From JATS' }),
        article({ pmid: '41000155', doi: '10.1000/b-dup' }),
        article({ pmid: '41000166', doi: '10.1000/b-other' }),
      ];
      const results = await works.upsertMany(batch, 'lung');
      assert.deepEqual(
        results.map((r) => [r.key, r.status, r.watchAdded, r.conflict?.reason]),
        [
          ['10.1000/b-new', 'created', true, undefined],
          ['10.1000/b-same', 'unchanged', true, undefined],
          ['pmid:41000162', 'updated', true, undefined],
          ['10.1000/b-changed', 'updated', true, undefined],
          ['10.1000/b-pmc', 'unchanged', true, undefined],
          ['10.1000/b-dup', 'duplicate', true, 'a second record with the same DOI and another PMID'],
          ['10.1000/b-other', 'created', true, 'PMID already belongs to a work with another DOI'],
        ],
      );
      assert.equal((await works.get('10.1000/b-changed'))?.title, 'A corrected title');
      assert.equal((await works.get('10.1000/b-pmc'))?.title, 'Work 41000164', "PubMed's record stays the metadata");
      assert.deepEqual((await works.get('10.1000/b-pmc'))?.sources, ['pmc', 'pubmed']);
      assert.equal((await works.keysForPmids(['41000166'])).get('41000166'), '10.1000/b-owner', 'the shared id stays with its first work');
      assert.equal((await works.keysForPmids(['41000155'])).get('41000155'), '10.1000/b-dup', "a duplicate's other PMID finds the work too");
      // Stored again: nothing changes, and the watch is not added twice.
      const again = await works.upsertMany(batch.slice(0, 4), 'lung');
      assert.deepEqual(
        again.map((r) => [r.status, r.watchAdded]),
        [
          ['unchanged', false],
          ['unchanged', false],
          ['unchanged', false],
          ['unchanged', false],
        ],
      );
    });

    test('a batch whose records share an id is stored one by one, in order', async () => {
      const results = await works.upsertMany(
        [article({ pmid: '41000170', doi: '10.1000/b-twice' }), article({ pmid: '41000171', doi: '10.1000/b-twice' }), article({ pmid: '41000172' })],
        'bone',
      );
      assert.deepEqual(
        results.map((r) => [r.key, r.status]),
        [
          ['10.1000/b-twice', 'created'],
          ['10.1000/b-twice', 'duplicate'],
          ['pmid:41000172', 'created'],
        ],
      );
    });

    test('a batch PostgreSQL refuses a record of is stored record by record, the refused one returned with why; set aside, then cleared', async () => {
      const records = [
        article({ pmid: '39500001', doi: '10.1000/aside.1' }),
        // Only a record that bypassed the parsers can hold this: jsonb refuses a lone surrogate.
        article({ pmid: '39500002', doi: '10.1000/aside.2', title: 'Broken \ud800 title' }),
        article({ pmid: '39500003', doi: '10.1000/aside.3' }),
      ];
      const { stored, refused } = await works.upsertEach(records, 'aside');
      assert.deepEqual(
        stored.map((r) => r.key),
        ['10.1000/aside.1', '10.1000/aside.3'],
      );
      assert.deepEqual(
        refused.map((r) => r.article.pmid),
        ['39500002'],
      );
      assert.match(refused[0]!.reason, /surrogate.*\(SQLSTATE 22P02\)/);
      assert.equal(await works.count('aside'), 2);

      const setAside = new SetAsideStore(db);
      const entry = { source: 'pubmed' as const, recordId: '39500002', watchId: 'aside', reason: refused[0]!.reason, title: 'Broken title' };
      await setAside.add([entry], Date.parse('2026-11-27T08:00:00Z'));
      await setAside.add([{ ...entry, watchId: 'other' }], Date.parse('2026-11-28T08:00:00Z'));
      assert.equal(await setAside.count(), 1);
      const [listed] = await setAside.list();
      assert.deepEqual(
        { ...listed },
        { ...entry, watchId: 'other', firstAt: Date.parse('2026-11-27T08:00:00Z'), lastAt: Date.parse('2026-11-28T08:00:00Z'), times: 2 },
      );
      await setAside.clear('pmc', ['39500002']);
      assert.equal(await setAside.count(), 1, 'a PMCID list does not clear a PMID');
      await setAside.clear('pubmed', ['39500002']);
      assert.deepEqual(await setAside.list(), []);
    });

    test('works list newest first, per watch or all; matches know when', async () => {
      const t0 = Date.parse('2026-11-01T10:00:00Z');
      await works.upsert(article({ pmid: '41000060', doi: '10.1000/older' }), 'listing', t0);
      await works.upsert(article({ pmid: '41000061', doi: '10.1000/newer' }), 'listing', t0 + 86_400_000);
      assert.deepEqual(
        (await works.list({ watchId: 'listing' })).map((w) => w.key),
        ['10.1000/newer', '10.1000/older'],
      );
      assert.equal((await works.list({ limit: 2 })).length, 2);
      assert.deepEqual(await works.matchedSince('listing', t0 + 1), [{ key: '10.1000/newer', matchedAt: t0 + 86_400_000 }]);
      assert.equal(await works.firstMatchedAt('listing'), t0);
      const daily = await works.dailyMatched('listing', 3, t0 + 86_400_000);
      assert.deepEqual(daily, [
        { day: '2026-10-31', count: 0 },
        { day: '2026-11-01', count: 1 },
        { day: '2026-11-02', count: 1 },
      ]);
      assert.equal(await works.linkWatch(['10.1000/older', 'pmid:404'], 'other', 'pmc'), 1);
      assert.deepEqual((await works.get('10.1000/older'))?.sources, ['pmc', 'pubmed']);
    });

    test('the ID converter answer is kept, and the PMCID finds the work', async () => {
      await works.recordIdconv('10.1000/older', 'PMC7000061', 1000);
      const work = await works.get('10.1000/older');
      assert.equal(work?.idconvAt, 1000);
      assert.equal(work?.article.pmcid, 'PMC7000061');
      assert.equal((await works.keysForPmcids(['PMC7000061'])).get('PMC7000061'), '10.1000/older');
      // Many answers at once, as one by one: a PMCID found, or none (asked, nothing learnt).
      await works.recordIdconvMany(
        [
          { key: '10.1000/same', pmcid: 'PMC7000062' },
          { key: 'pmid:9997', pmcid: undefined },
        ],
        2000,
      );
      const [found, none] = await works.getMany(['10.1000/same', 'pmid:9997']);
      assert.deepEqual([found?.idconvAt, found?.article.pmcid], [2000, 'PMC7000062']);
      assert.deepEqual([none?.idconvAt, none?.article.pmcid], [2000, undefined]);
      assert.equal((await works.keysForPmcids(['PMC7000062'])).get('PMC7000062'), '10.1000/same');
    });

    test('enrichment: full text, entities (searchable), summary, PubTator retries', async () => {
      const enrichment = new EnrichmentStore(db, redis, prefix);
      const key = '10.1000/newer';
      await enrichment.saveFullText(key, { pmcid: 'PMC1', hasBody: true, figures: [{ caption: 'Fig' }], referenceCount: 3 });
      assert.deepEqual(await enrichment.haveFullText([key, '10.1000/older']), new Set([key]));
      assert.equal((await enrichment.fullText(key))?.referenceCount, 3);
      const entities = {
        source: 'pubtator' as const,
        scope: 'abstract' as const,
        diseases: [{ type: 'Disease' as const, id: 'MESH:D001859', mention: 'osteosarcoma' }],
        chemicals: [],
        genes: [],
        species: [],
        linkedDiseases: [],
        annotatedAt: 5,
      };
      await enrichment.saveEntities(key, entities);
      assert.deepEqual(await enrichment.entities(key), entities);
      assert.deepEqual(await enrichment.entitiesOf([key, '10.1000/older']), new Map([[key, entities]]));
      assert.deepEqual(
        (await works.search('osteosarcoma')).map((h) => h.key),
        [key],
      );
      await enrichment.saveSummary(key, { findings: ['x'], method: 'model', model: 'm' });
      assert.equal((await enrichment.summary(key))?.model, 'm');
      assert.equal(await enrichment.summary('10.1000/older'), undefined);
      await enrichment.retryUntil(key, 2000);
      await enrichment.retryUntil(key, 9000); // the first date stays
      await enrichment.retryUntil('10.1000/older', 500);
      assert.deepEqual(await enrichment.dueRetries(1000), [key]);
      assert.deepEqual(await enrichment.dueRetries(2001), []);
      await enrichment.retryUntil('10.1000/same', 5000);
      await enrichment.stopRetrying(['10.1000/same']);
      assert.deepEqual(await enrichment.dueRetries(0), []);
    });

    test('enrichment pending: queued, failed with a next try, taken when due under a lease, cleared; full-text claims are short locks', async () => {
      const { pending } = new EnrichmentStore(db, redis, prefix);
      const [a, b] = ['10.1000/newer', '10.1000/older'];
      await pending.markPending([a, b], 1000);
      await pending.markPending([a], 5000); // already pending: keeps its state
      assert.deepEqual(await pending.get(a), { since: 1000, attempts: 0 });
      const failed = await pending.recordFailure(a, { steps: ['full text', 'entities'], error: 'PMC 503', nextAt: 10_000 }, 2000);
      assert.deepEqual(failed, { since: 1000, attempts: 1, steps: ['full text', 'entities'], lastError: 'PMC 503', nextAt: 10_000 });
      assert.deepEqual(await pending.counts(), { pending: 2, failed: 1 });
      assert.deepEqual(await pending.takeDue(9_999), []);
      assert.deepEqual(await pending.takeDue(10_000, 60_000), [a]);
      assert.deepEqual(await pending.takeDue(10_001, 60_000), [], 'handed out: not due again during its lease');
      assert.deepEqual(await pending.takeDue(70_001, 60_000), [a], 'due again after the lease');
      await pending.defer(b, 20_000);
      assert.equal((await pending.get(b))?.attempts, 0, 'deferred, not failed');
      await pending.clear([a, b]);
      assert.deepEqual(await pending.counts(), { pending: 0, failed: 0 });

      // Full texts handed to fetch-full-texts jobs: pending on the full text, in flight (untried)
      // even for a work that failed before; done, the work is complete unless another step failed.
      await pending.markPending([a, b], 1000);
      await pending.recordFailure(b, { steps: ['entities'], error: 'PubTator 502', nextAt: 3000 }, 2000);
      assert.equal(await pending.untried([a, b]), 1, 'a queued, b failed');
      await pending.handOffFullTexts([a, b], 50_000, 3000);
      assert.deepEqual(await pending.get(b), { since: 1000, attempts: 1, steps: ['full text'], nextAt: 50_000 });
      assert.equal(await pending.untried([a, b]), 2, 'both wait for their full-text job');
      await pending.recordFailure(a, { steps: ['entities'], error: 'PubTator 502', nextAt: 9000 }, 4000);
      await pending.fullTextDone([a, b]);
      assert.deepEqual(
        await pending.get(a),
        { since: 1000, attempts: 1, steps: ['entities'], lastError: 'PubTator 502', nextAt: 9000 },
        'its other failure stays',
      );
      assert.equal(await pending.get(b), undefined, 'nothing else missing: complete');
      assert.equal(await pending.untried([a, b]), 0);
      await pending.clear([a]);
      const enrichment = new EnrichmentStore(db, redis, prefix);
      assert.deepEqual(await enrichment.claimFullTexts(['PMC1', 'PMC2'], 'job-1'), new Set(['PMC1', 'PMC2']));
      assert.deepEqual(await enrichment.claimFullTexts(['PMC2', 'PMC3'], 'job-2'), new Set(['PMC3']));
      assert.deepEqual(await enrichment.claimFullTexts(['PMC2'], 'job-1'), new Set(['PMC2']), 'a retried job still holds its own');
      await enrichment.saveFullText('10.1000/older', { pmcid: 'PMC2', hasBody: false, figures: [], referenceCount: 0 });
      assert.equal(await redis.exists(`${prefix}:store:enrich:fulltext-claim:PMC2`), 0, 'a stored full text leaves no claim behind');
    });

    test('works with a PMID first seen since a time, oldest first', async () => {
      const since = Date.parse('2026-11-01T10:00:00Z');
      const found = await works.withPmidSince(since);
      assert.deepEqual(found.slice(0, 2), [
        { key: '10.1000/older', pmid: '41000060' },
        { key: '10.1000/newer', pmid: '41000061' },
      ]);
      assert.ok(found.every((w) => w.pmid));
    });

    test('full-text search over title, abstract, authors, journal and MeSH, newest first, with the matched watch', async () => {
      const t = Date.parse('2026-11-10T00:00:00Z');
      await works.upsert(
        article({ pmid: '41000070', doi: '10.1000/s1', title: 'Denosumab and fractures', journal: { title: 'Osteoporosis International' } }),
        'search-a',
        t,
      );
      await works.upsert(
        article({ pmid: '41000071', doi: '10.1000/s2', title: 'A trial', abstract: [{ text: 'Denosumab reduced vertebral fracture risk.' }] }),
        'search-b',
        t + 1000,
      );
      await works.upsert(
        article({
          pmid: '41000072',
          doi: '10.1000/s3',
          title: 'Another',
          authors: [{ lastName: 'Zoledronski', foreName: 'Ann' }],
          mesh: [{ ui: 'D1', name: 'Fractures, Bone', majorTopic: true, qualifiers: [] }],
        }),
        'search-a',
        t + 2000,
      );
      const hits = await works.search('denosumab fracture');
      assert.deepEqual(
        hits.map((h) => [h.key, h.watches]),
        [
          ['10.1000/s2', ['search-b']],
          ['10.1000/s1', ['search-a']],
        ],
      );
      assert.deepEqual(
        (await works.search('zoledronski')).map((h) => h.key),
        ['10.1000/s3'],
      );
      assert.deepEqual(
        (await works.search('fractures', { watchId: 'search-a' })).map((h) => h.key),
        ['10.1000/s3', '10.1000/s1'],
      );
      assert.equal((await works.search('osteoporosis international'))[0]?.journal, 'Osteoporosis International');
      assert.deepEqual(await works.search('"no such phrase anywhere"'), []);
    });

    test('cursors only move forward, and an edited query starts afresh', async () => {
      const cursors = new CursorStore(db);
      const hash = queryHash('"bone metastas*"[tiab]');
      assert.equal(await cursors.advance('bone', hash, '2026/11/20'), true);
      assert.equal(await cursors.advance('bone', hash, '2026/11/18'), false);
      assert.equal((await cursors.get('bone', hash))?.date, '2026/11/20');
      assert.equal(await cursors.get('bone', queryHash('"bone metastas*"[tiab] OR x')), undefined);
      assert.equal((await cursors.get('bone', queryHash('  "bone metastas*"[tiab]\n')))?.date, '2026/11/20');
      assert.equal(await cursors.advance('bone', queryHash('new'), '2026/11/01'), true, 'another query moves it anywhere');
    });

    test('subscribers, preferences, requests with expiry, sent history', async () => {
      const subscribers = new SubscriberStore(db);
      const s = await subscribers.save(
        { email: ' Reader@Example.org ', watches: ['bone'], frequency: 'weekly', filters: { bone: { exclude: ['10090'] } } },
        'admin',
        1000,
      );
      assert.deepEqual(await subscribers.findByEmail('reader@example.ORG'), s);
      const again = await subscribers.save({ email: 'reader@example.org', watches: ['bone', 'lung'], frequency: 'daily' }, 'self', 2000);
      assert.equal(again.id, s.id);
      assert.equal(again.origin, 'admin');
      assert.deepEqual(again.filters, { bone: { exclude: ['10090'] } });
      assert.equal((await subscribers.update(s.id, { timezone: 'Europe/Paris', sendEmpty: true }, 3000))?.timezone, 'Europe/Paris');
      assert.deepEqual(
        (await subscribers.list()).map((x) => x.id),
        [s.id],
      );
      const request = await subscribers.request({ email: 'new@example.org', watches: ['bone'], frequency: 'daily', timezone: 'UTC' });
      assert.equal((await subscribers.getRequest(request.id))?.email, 'new@example.org');
      const confirmed = await subscribers.confirm(request.id);
      assert.equal(confirmed?.origin, 'self');
      assert.equal(await subscribers.confirm(request.id), undefined, 'a request is used once');
      await db.query(`UPDATE subscription_requests SET expires_at = now() - interval '1 second'`);
      const late = await subscribers.request({ email: 'late@example.org', watches: ['bone'], frequency: 'daily', timezone: 'UTC' });
      await db.query("UPDATE subscription_requests SET expires_at = now() - interval '1 second' WHERE id = $1", [late.id]);
      assert.equal(await subscribers.getRequest(late.id), undefined);
      assert.equal(await subscribers.confirm(late.id), undefined);
      assert.equal(await subscribers.dropExpiredRequests(), 1);
      await subscribers.recordSent(s.id, ['10.1000/s1']);
      assert.equal(await subscribers.hasReceived(s.id, '10.1000/s1'), true);
      assert.deepEqual(await subscribers.sent(s.id), new Set(['10.1000/s1']));
      assert.equal(await subscribers.remove(confirmed!.id), true);
      assert.equal(await subscribers.get(confirmed!.id), undefined);
    });

    test('digests: built, held in flight, locked with a lease, sent once into the history', async () => {
      const subscribers = new SubscriberStore(db);
      const notices = new NoticeStore(db);
      const digests = new DigestStore(db);
      const reader = await subscribers.save({ email: 'digest@example.org', watches: ['bone'], frequency: 'daily' }, 'admin');
      await notices.add('10.1000/s1', { kind: 'retracted', noticePmid: '999', url: 'https://pubmed.ncbi.nlm.nih.gov/999/' });
      assert.equal(await notices.add('10.1000/s1', { kind: 'retracted', noticePmid: '999', url: 'u' }), false);
      await notices.owe(reader.id, { workKey: '10.1000/s1', noticePmid: '999' });
      assert.deepEqual(await notices.owed(reader.id), [{ workKey: '10.1000/s1', noticePmid: '999' }]);
      const id = digestId(reader.id, '2026-11-27');
      const digest = {
        id,
        subscriberId: reader.id,
        period: '2026-11-27',
        subject: 'S',
        html: '<p>h</p>',
        text: 't',
        workKeys: ['10.1000/s2', '10.1000/s3'],
        notices: ['10.1000/s1|999'],
        createdAt: 1000,
      };
      assert.equal(await digests.create(digest), true);
      assert.equal(await digests.create(digest), false, 'one digest per subscriber and period');
      assert.deepEqual(await digests.inFlight(reader.id), new Set(['10.1000/s2', '10.1000/s3']));
      const t = Date.parse('2026-11-27T07:00:00Z');
      assert.equal(await digests.lockForSending(id, t, 60_000), 'locked');
      assert.equal(await digests.lockForSending(id, t + 59_000, 60_000), 'busy', 'a live lease keeps others off');
      assert.equal(await digests.lockForSending(id, t + 61_000, 60_000), 'locked', 'a lease that ran out is taken over');
      assert.equal((await digests.get(id))?.attempts, 2);
      await digests.markSent(digest, t + 62_000);
      assert.equal(await digests.lockForSending(id, t + 63_000), 'done');
      const sent = await digests.get(id);
      assert.deepEqual([sent?.status, sent?.html, sent?.text, sent?.workKeys, sent?.sentAt], ['sent', '', '', ['10.1000/s2', '10.1000/s3'], t + 62_000]);
      assert.deepEqual(await subscribers.sent(reader.id), new Set(['10.1000/s2', '10.1000/s3']));
      assert.deepEqual(await digests.inFlight(reader.id), new Set());
      assert.deepEqual(await notices.owed(reader.id), [], 'the notice it told of is settled');
      assert.equal(await digests.lockForSending('dg-none'), 'missing');
      // A failed send keeps its works in flight until the last attempt; cancelling gives them back.
      const other = { ...digest, id: digestId(reader.id, '2026-11-28'), period: '2026-11-28', workKeys: ['10.1000/older'], notices: [], createdAt: 2000 };
      await digests.create(other);
      await digests.lockForSending(other.id);
      await digests.markFailed(other, 'SMTP 451', false);
      assert.deepEqual(await digests.inFlight(reader.id), new Set(['10.1000/older']));
      assert.equal(await digests.lockForSending(other.id), 'locked', 'a failed digest can be retried');
      await digests.markFailed(other, 'SMTP 550', true);
      assert.deepEqual(await digests.inFlight(reader.id), new Set());
      assert.equal((await digests.get(other.id))?.lastError, 'SMTP 550');
      assert.deepEqual(
        (await digests.recent(1)).map((d) => d.id),
        [other.id],
      );
    });

    test('a digest plan pages through the due subscribers by id: each active one of that frequency and zone once', async () => {
      const subscribers = new SubscriberStore(db);
      const made = [];
      for (let i = 0; i < 5; i++)
        made.push(await subscribers.save({ email: `due${i}@example.org`, watches: ['bone'], frequency: 'weekly', timezone: 'Pacific/Chatham' }, 'admin'));
      await subscribers.save({ email: 'due-daily@example.org', watches: ['bone'], frequency: 'daily', timezone: 'Pacific/Chatham' }, 'admin');
      await subscribers.save({ email: 'due-elsewhere@example.org', watches: ['bone'], frequency: 'weekly', timezone: 'UTC' }, 'admin');
      await subscribers.update(made[2]!.id, { status: 'paused' });
      const due = { frequency: 'weekly' as const, timezone: 'Pacific/Chatham' };
      const pages: string[][] = [];
      let after: string | undefined;
      for (;;) {
        const page = await subscribers.dueForDigest(due, after, 2);
        if (page.length === 0) break;
        pages.push(page.map((s) => s.id));
        after = page.at(-1)?.id;
      }
      const active = made
        .filter((_, i) => i !== 2)
        .map((s) => s.id)
        .sort();
      assert.deepEqual(pages, [active.slice(0, 2), active.slice(2, 4)]);
      assert.deepEqual(
        (await subscribers.dueForDigest({ ...due, ids: [active[0]!, made[2]!.id] }, undefined, 10)).map((s) => s.id),
        [active[0]],
      );
    });

    test('sent history grows a row per digest, not per work, and answers "already sent" for every work in it', async () => {
      const subscribers = new SubscriberStore(db);
      const digests = new DigestStore(db);
      const DAY = 86_400_000;
      const now = Date.parse('2026-11-27T07:00:00Z');
      const reader = await subscribers.save({ email: 'arrays@example.org', watches: ['bone'], frequency: 'daily' }, 'admin');
      const works = (day: number) => Array.from({ length: 20 }, (_, i) => `10.1000/a${day}.${i}`);
      for (let day = 0; day < 3; day++) {
        const digest = {
          id: digestId(reader.id, `2026-11-2${day}`),
          subscriberId: reader.id,
          period: `2026-11-2${day}`,
          subject: 'S',
          html: 'h',
          text: 't',
          workKeys: works(day),
          notices: [],
          createdAt: now - (3 - day) * DAY,
        };
        await digests.create(digest);
        assert.deepEqual((await digests.get(digest.id))?.workKeys, works(day), 'the works, in their order');
        await digests.markSent(digest, now - (3 - day) * DAY + 1000);
        await digests.markSent(digest, now - (3 - day) * DAY + 2000);
      }
      const [rows] = await db.query('SELECT count(*)::int AS n, sum(cardinality(work_keys))::int AS works FROM subscriber_sends WHERE subscriber_id = $1', [
        reader.id,
      ]);
      assert.deepEqual({ ...rows }, { n: 3, works: 60 }, 'one row per digest sent, once however often it is marked sent');
      assert.deepEqual(await subscribers.sent(reader.id), new Set([...works(0), ...works(1), ...works(2)]));
      assert.equal(await subscribers.hasReceived(reader.id, '10.1000/a1.19'), true);
      assert.equal(await subscribers.hasReceived(reader.id, '10.1000/a9.0'), false);
      // "Already sent" for a digest's candidates: sent before, or in a digest built and not sent.
      await digests.create({
        id: digestId(reader.id, '2026-11-27'),
        subscriberId: reader.id,
        period: '2026-11-27',
        subject: 'S',
        html: 'h',
        text: 't',
        workKeys: ['10.1000/flying'],
        notices: [],
        createdAt: now,
      });
      assert.deepEqual(
        await digests.alreadyDelivered(reader.id, ['10.1000/a0.0', '10.1000/a2.19', '10.1000/new', '10.1000/flying', '10.1000/a0.0']),
        new Set(['10.1000/a0.0', '10.1000/a2.19', '10.1000/flying']),
      );
      assert.deepEqual(await digests.alreadyDelivered(reader.id, []), new Set());
      await digests.cancel({ id: digestId(reader.id, '2026-11-27'), subscriberId: reader.id }, 'paused');
      assert.deepEqual(await digests.alreadyDelivered(reader.id, ['10.1000/flying']), new Set(), 'a cancelled digest gives its works back');
      // Recorded twice at one instant: one delivery holding both.
      await subscribers.recordSent(reader.id, ['10.1000/x', '10.1000/a0.0'], now);
      await subscribers.recordSent(reader.id, ['10.1000/y'], now);
      assert.equal(await subscribers.hasReceived(reader.id, '10.1000/y'), true);
      assert.equal(await subscribers.hasReceived(reader.id, '10.1000/x'), true);
      // Pruning drops whole deliveries: the oldest digest's works, and only those.
      assert.equal(await subscribers.pruneSent(now - 2.5 * DAY), 1);
      assert.equal(await subscribers.hasReceived(reader.id, '10.1000/a0.5'), false);
      assert.equal(await subscribers.hasReceived(reader.id, '10.1000/a1.5'), true);
      assert.equal(await subscribers.hasReceived(reader.id, '10.1000/a0.0'), true, 'still in the later delivery that also holds it');
      // Nothing is recorded for a subscriber that is gone, and its history goes with it.
      await subscribers.remove(reader.id);
      await subscribers.recordSent(reader.id, ['10.1000/z'], now);
      assert.deepEqual(await subscribers.sent(reader.id), new Set());
    });

    test('retention: old sent history and old digests are pruned, the rest kept; digest bodies went when sent', async () => {
      const subscribers = new SubscriberStore(db);
      const digests = new DigestStore(db);
      const DAY = 86_400_000;
      const now = Date.parse('2026-11-27T00:00:00Z');
      const reader = await subscribers.save({ email: 'old@example.org', watches: ['bone'], frequency: 'daily' }, 'admin');
      await subscribers.recordSent(reader.id, ['10.1000/ancient'], now - 401 * DAY);
      await subscribers.recordSent(reader.id, ['10.1000/recent'], now - 10 * DAY);
      const old = {
        id: digestId(reader.id, '2026-04-01'),
        subscriberId: reader.id,
        period: '2026-04-01',
        subject: 'S',
        html: 'h',
        text: 't',
        workKeys: ['10.1000/ancient'],
        notices: [],
        createdAt: now - 181 * DAY,
      };
      const kept = { ...old, id: digestId(reader.id, '2026-11-20'), period: '2026-11-20', createdAt: now - 7 * DAY };
      await digests.create(old);
      await digests.create(kept);
      assert.ok((await subscribers.pruneSent(now - 400 * DAY)) >= 1);
      assert.deepEqual(await subscribers.sent(reader.id), new Set(['10.1000/recent']));
      assert.ok((await digests.prune(now - 180 * DAY)) >= 1);
      assert.equal(await digests.get(old.id), undefined);
      assert.equal((await digests.get(kept.id))?.html, 'h');
      const [bodies] = await db.query(`SELECT count(*)::int AS n FROM digests WHERE status = 'sent' AND (html IS NOT NULL OR text IS NOT NULL)`);
      assert.equal(bodies?.n, 0, 'no sent digest keeps its bodies');
    });

    test('metrics: durable totals, watch status; the error streak and health flags in Redis', async () => {
      const metrics = new MetricsStore(db, redis, prefix, works);
      await metrics.add('polls_total');
      await metrics.add('polls_total', 2);
      for (const outcome of ['error', 'rate_limited', 'ok', 'error'] as const) await metrics.ncbiRequest(outcome);
      const counters = await metrics.counters();
      assert.deepEqual(
        [counters.polls_total, counters.ncbi_requests_total, counters.ncbi_errors_total, counters.ncbi_rate_limited_total, counters.digests_sent_total],
        [3, 4, 2, 1, 0],
      );
      assert.equal(await metrics.ncbiErrorStreak(), 1);
      await metrics.recordPoll('bone', { ok: true, found: 2, query: 'q' }, 5000);
      await metrics.recordPoll('bone', { ok: false, error: 'boom' }, 6000);
      assert.deepEqual(await metrics.watchStatus('bone'), { lastPollAt: 6000, lastPollOk: false, lastFoundAt: 5000, lastError: 'boom', query: 'q' });
      await metrics.recordPoll(
        'bone',
        { ok: true, found: 0, query: 'q2', queryWarnings: [{ source: 'pubmed', kind: 'phraseNotFound', phrase: 'osteo-thing' }] },
        7000,
      );
      assert.deepEqual(await metrics.watchStatus('bone'), {
        lastPollAt: 7000,
        lastPollOk: true,
        lastFoundAt: 5000,
        query: 'q2',
        queryWarnings: [{ source: 'pubmed', kind: 'phraseNotFound', phrase: 'osteo-thing' }],
      });
      await metrics.recordPoll('bone', { ok: true, found: 0, query: 'q2' }, 8000);
      assert.equal((await metrics.watchStatus('bone')).queryWarnings, undefined, 'a clean poll clears them');
      assert.deepEqual(await metrics.watchStatus('never'), {});
      assert.deepEqual(await metrics.swapHealthFlags(new Set(['watch.silent|bone'])), new Set());
      assert.deepEqual(await metrics.swapHealthFlags(new Set()), new Set(['watch.silent|bone']));
      assert.deepEqual(await metrics.swapHealthFlags(new Set()), new Set());
    });

    test("a feed's fingerprint changes with what it shows, and nothing else", async () => {
      const feeds = new FeedStore(db);
      const enrichment = new EnrichmentStore(db, redis, prefix);
      assert.deepEqual(await feeds.fingerprint('feed-watch', 100), { digest: 'empty', works: 0 });
      const a = article({ pmid: '41300001', doi: '10.1000/feed.a' });
      await works.upsert(a, 'feed-watch', 1000);
      const one = await feeds.fingerprint('feed-watch', 100);
      assert.equal(one.works, 1);
      await works.upsert(a, 'feed-watch', 2000);
      assert.deepEqual(await feeds.fingerprint('feed-watch', 100), one, 'the same record stored again');
      await works.upsert(article({ pmid: '41300002' }), 'another-watch', 2000);
      assert.deepEqual(await feeds.fingerprint('feed-watch', 100), one, "another watch's work");
      const changes: [string, () => Promise<unknown>][] = [
        ['an edited record', () => works.upsert({ ...a, title: 'Edited title' }, 'feed-watch', 3000)],
        ['a PMCID from the ID converter', () => works.recordIdconv('10.1000/feed.a', 'PMC41300001', 4000)],
        ['a model summary', () => enrichment.saveSummary('10.1000/feed.a', { tldr: 'Short.', findings: [], method: 'model' })],
        ['a new match', () => works.upsert(article({ pmid: '41300003' }), 'feed-watch', 5000)],
      ];
      let last = one.digest;
      for (const [what, change] of changes) {
        await change();
        const now = await feeds.fingerprint('feed-watch', 100);
        assert.notEqual(now.digest, last, what);
        last = now.digest;
      }
      assert.equal((await feeds.fingerprint('feed-watch', 1)).works, 1, 'only the newest `limit` works count');
    });

    test('built feeds: stored per version, Last-Modified in whole seconds and always later, the first store of a version kept', async () => {
      const feeds = new FeedStore(db);
      const at = Date.parse('2026-11-27T08:00:00.700Z');
      const v1 = await feeds.save('feed-watch', 'v1', [{ format: 'atom', etag: '"a1"', body: '<feed>1</feed>' }], at);
      assert.deepEqual(v1, [{ format: 'atom', etag: '"a1"', body: '<feed>1</feed>', lastModified: Date.parse('2026-11-27T08:00:00Z') }]);
      assert.deepEqual(await feeds.get('feed-watch', 'v1'), v1);
      // Another process stores the same version later: the first row stays.
      assert.deepEqual(await feeds.save('feed-watch', 'v1', [{ format: 'atom', etag: '"other"', body: 'other' }], at + 5000), v1);
      // A new version within the same second still gets a later Last-Modified.
      const v2 = await feeds.save('feed-watch', 'v2', [{ format: 'atom', etag: '"a2"', body: '<feed>2</feed>' }], at + 100);
      assert.equal(v2[0]?.lastModified, Date.parse('2026-11-27T08:00:01Z'));
      assert.deepEqual(await feeds.get('feed-watch', 'v1'), [], 'replaced');
    });

    test('config versions: a text already newest is not stored again, a returning older text is a new version', async () => {
      const configs = new ConfigStore(db);
      assert.equal(await configs.newestVersion(), undefined);
      const first = await configs.store('watches: []\n', 'sha-a', 'host:1 /a/watches.yaml');
      assert.equal(first.stored, true);
      assert.deepEqual(await configs.store('watches: []\n', 'sha-a', 'host:2 /b/watches.yaml'), { version: first.version, stored: false });
      const second = await configs.store('watches: [x]\n', 'sha-b', 'host:2 /b/watches.yaml');
      const third = await configs.store('watches: []\n', 'sha-a', 'host:1 /a/watches.yaml');
      assert.ok(first.version < second.version && second.version < third.version);
      const newest = await configs.newest();
      assert.deepEqual(
        { ...newest, loadedAt: typeof newest?.loadedAt },
        { version: third.version, sha256: 'sha-a', yaml: 'watches: []\n', loadedBy: 'host:1 /a/watches.yaml', loadedAt: 'number' },
      );
      assert.equal(await configs.versionOf('sha-b'), second.version);
      assert.equal(await configs.versionOf('sha-none'), undefined);
    });

    test('the shared vocabulary: files round-trip through the gzip, only the newest version is kept', async () => {
      const vocabularies = new VocabularyStore(db);
      const texts = { 'diseases.tsv': 'mesh_id\tpreferred_name\nMESH:D001943\tBreast Neoplasms\n', 'species.tsv': 'é ü\n' };
      const first = await vocabularies.store(texts, 'v-a', 'host:1 /vocab');
      assert.deepEqual(await vocabularies.texts(first.version), texts);
      assert.deepEqual(await vocabularies.store(texts, 'v-a', 'host:2 /vocab'), { version: first.version, stored: false });
      const second = await vocabularies.store({ 'diseases.tsv': 'other' }, 'v-b', 'host:2 /vocab');
      assert.equal((await vocabularies.newestVersion())?.sha256, 'v-b');
      assert.equal(await vocabularies.texts(first.version), undefined, 'older versions are dropped');
      const back = await vocabularies.store(texts, 'v-a', 'host:1 /vocab');
      assert.ok(back.version > second.version);
      assert.deepEqual(await vocabularies.texts(back.version), texts);
    });
  });
}
