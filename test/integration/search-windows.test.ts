import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLogger } from '../../src/log.ts';
import { searchWindows } from '../../src/ncbi/search-windows.ts';
import type { Services } from '../../src/services.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

const QUERY = 'neoplasms[mh]';
const prefix = testPrefix('split');
let ncbi: FakeNcbi;
let services: Services;

before(async () => {
  ncbi = await new FakeNcbi().start();
  // 11,000 hits over ten days: more than PubMed returns for one search.
  const pmids = Array.from({ length: 11_000 }, (_, i) => String(44_000_000 + i));
  ncbi.addRecords(pmids.map((pmid, i) => ({ pmid, edat: `2026/11/${String(11 + (i % 10)).padStart(2, '0')}` })));
  ncbi.setQuery(QUERY, pmids);
  services = testServices({ prefix, eutilsUrl: ncbi.url, config: testConfig([]) });
});

after(async () => {
  await services.close();
  await ncbi.close();
  await deletePrefix(prefix);
});

test('a window with more than 9,999 hits is split into halves that each stay under it', async () => {
  const parts = await searchWindows(
    services.ncbi,
    { db: 'pubmed', term: QUERY, window: { min: '2026/11/11', max: '2026/11/20' } },
    createLogger({ level: 'silent' }),
  );
  assert.deepEqual(
    parts.map((p) => [p.window, p.count, p.ids.length, p.truncated]),
    [
      [{ min: '2026/11/11', max: '2026/11/15' }, 5500, 5500, false],
      [{ min: '2026/11/16', max: '2026/11/20' }, 5500, 5500, false],
    ],
  );
  assert.equal(new Set(parts.flatMap((p) => p.ids)).size, 11_000, 'every hit is in exactly one part');
  assert.equal(ncbi.count('esearch.fcgi'), 3);
});

test('a single day with too many hits is searched up to the limit and flagged, not split forever', async () => {
  const pmids = Array.from({ length: 10_050 }, (_, i) => String(45_000_000 + i));
  ncbi.addRecords(pmids.map((pmid) => ({ pmid, edat: '2026/11/05' })));
  ncbi.setQuery('busy-day', pmids);
  const before = ncbi.count('esearch.fcgi');
  const parts = await searchWindows(
    services.ncbi,
    { db: 'pubmed', term: 'busy-day', window: { min: '2026/11/05', max: '2026/11/05' } },
    createLogger({ level: 'silent' }),
  );
  assert.equal(parts.length, 1);
  assert.equal(parts[0]?.truncated, true);
  assert.equal(parts[0]?.ids.length, 9999);
  assert.equal(ncbi.count('esearch.fcgi') - before, 1);
});
