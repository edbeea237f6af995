import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import type { Article } from '../../src/parse/article.ts';
import { CursorStore, queryHash } from '../../src/store/cursor-store.ts';
import { WorkStore } from '../../src/store/work-store.ts';
import { deletePrefix, REDIS_URL, testPrefix } from '../helpers/test-services.ts';

function article(fields: Partial<Article> & { pmid: string }): Article {
  return {
    kind: 'pubmed',
    title: `Work ${fields.pmid}`,
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

describe('one record per work in Redis', () => {
  const prefix = testPrefix('store');
  let redis: Redis;
  let store: WorkStore;

  before(() => {
    redis = new Redis(REDIS_URL);
    store = new WorkStore(redis, prefix);
  });
  after(async () => {
    await redis.quit();
    await deletePrefix(prefix);
  });

  test('a work first seen without a DOI stays one work when its DOI appears', async () => {
    const first = await store.upsert(article({ pmid: '9997' }), 'bone');
    assert.deepEqual(first, { key: 'pmid:9997', status: 'created', watchAdded: true });
    const later = await store.upsert(article({ pmid: '9997', doi: '10.1016/0014-5793(76)80045-3' }), 'bone');
    assert.deepEqual(later, { key: 'pmid:9997', status: 'updated', watchAdded: false });
    // Found again by its DOI alone, under any spelling of it.
    const byDoi = await store.upsert(article({ pmid: '9997', doi: 'https://doi.org/10.1016/0014-5793(76)80045-3' }), 'lung');
    assert.equal(byDoi.key, 'pmid:9997');
    assert.equal(await store.count(), 1);
    assert.equal((await store.get('pmid:9997'))?.doi, 'https://doi.org/10.1016/0014-5793(76)80045-3');
  });

  test('storing the same record again changes nothing', async () => {
    const a = article({ pmid: '41000010', doi: '10.1000/same' });
    assert.equal((await store.upsert(a, 'bone')).status, 'created');
    assert.deepEqual(await store.upsert(a, 'bone'), { key: '10.1000/same', status: 'unchanged', watchAdded: false });
  });

  test('two connections storing one work at the same moment make one record listing both watches', async () => {
    const other = new Redis(REDIS_URL);
    try {
      const otherStore = new WorkStore(other, prefix);
      const a = article({ pmid: '41000020', doi: '10.1000/RACE' });
      const results = await Promise.all([store.upsert(a, 'bone'), otherStore.upsert(a, 'prostate'), store.upsert(a, 'lung')]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['created', 'unchanged', 'unchanged']);
      assert.deepEqual((await store.get('10.1000/race'))?.watches, ['bone', 'lung', 'prostate']);
    } finally {
      await other.quit();
    }
  });

  test('a second PubMed record of the same DOI joins the work without replacing its record', async () => {
    await store.upsert(article({ pmid: '41000030', doi: '10.1000/dup', title: 'Original' }), 'bone');
    const dup = await store.upsert(article({ pmid: '41000031', doi: '10.1000/DUP', title: 'Duplicate record' }), 'bone');
    assert.equal(dup.status, 'duplicate');
    assert.equal((await store.get('10.1000/dup'))?.title, 'Original');
    assert.deepEqual(await store.keysForPmids(['41000030', '41000031', '1']), new Map([['41000030', '10.1000/dup'], ['41000031', '10.1000/dup']]));
  });

  test('a work is found again by its PMCID when a later record has neither its DOI nor its PMID', async () => {
    await store.upsert(article({ pmid: '41000040', pmcid: 'PMC7000040' }), 'bone');
    const again = await store.upsert(article({ pmid: '41000041', pmcid: 'PMC7000040' }), 'bone');
    assert.equal(again.key, 'pmid:41000040');
  });

  test('works list newest first, per watch or all', async () => {
    const listed = await store.list({ watchId: 'lung' });
    assert.deepEqual(listed.map((w) => w.key).sort(), ['10.1000/race', 'pmid:9997']);
    assert.equal((await store.list({ limit: 2 })).length, 2);
  });
});

describe('watch cursors', () => {
  const prefix = testPrefix('cursor');
  let redis: Redis;
  let cursors: CursorStore;

  before(() => {
    redis = new Redis(REDIS_URL);
    cursors = new CursorStore(redis, prefix);
  });
  after(async () => {
    await redis.quit();
    await deletePrefix(prefix);
  });

  test('a cursor only moves forward', async () => {
    const hash = queryHash('"bone metastas*"[tiab]');
    assert.equal(await cursors.advance('bone', hash, '2026/11/20'), true);
    assert.equal(await cursors.advance('bone', hash, '2026/11/18'), false);
    assert.equal((await cursors.get('bone', hash))?.date, '2026/11/20');
  });

  test('an edited query starts afresh, a reformatted one does not', async () => {
    assert.equal(await cursors.get('bone', queryHash('"bone metastas*"[tiab] OR "skeletal metastas*"[tiab]')), undefined);
    assert.equal((await cursors.get('bone', queryHash('  "bone metastas*"[tiab]\n')))?.date, '2026/11/20');
  });
});
