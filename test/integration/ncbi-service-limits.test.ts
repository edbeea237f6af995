import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { esearch } from '../../src/ncbi/eutils.ts';
import { pmcidsForPmids } from '../../src/ncbi/pmc-idconv.ts';
import { exportBiocJson } from '../../src/ncbi/pubtator.ts';
import { litwatchVersion, missingEmailWarning } from '../../src/ncbi/user-agent.ts';
import type { Services } from '../../src/services.ts';
import { cliEnv, configDir, spawnCli, watchesYaml, sharedSettings } from '../helpers/cli.ts';
import { FakeNcbi, type FakeService, type LoggedRequest } from '../helpers/fake-ncbi.ts';
import { deletePrefix, deleteRateLimitKey, REDIS_URL, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS } from '../helpers/until.ts';

const API_KEY = '0123456789abcdef0123456789abcdef0123';
const WINDOW = { min: '2026/11/01', max: '2026/11/27' };

/** The most requests of one service in any 1-second window of arrivals. */
function busiestSecond(requests: LoggedRequest[], service: FakeService): number {
  const times = requests
    .filter((r) => r.service === service)
    .map((r) => r.at)
    .sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('each NCBI service has its own limiter, at its documented rate, and is told who we are', () => {
  let ncbi: FakeNcbi;
  let services: Services;
  const prefix = testPrefix('service-limits');

  before(async () => {
    ncbi = await new FakeNcbi().start();
    ncbi.addRecords([{ pmid: '41000001', edat: '2026/11/20' }]);
    ncbi.setQuery('bone', ['41000001']);
    ncbi.setPmcid('41000001', 'PMC9000001');
    services = testServices({ prefix, eutilsUrl: ncbi.url, config: testConfig([]), env: { NCBI_API_KEY: API_KEY, NCBI_EMAIL: 'ops@litwatch.example' } });
  });

  after(async () => {
    await services.close();
    await ncbi.close();
    await deletePrefix(prefix);
    await deleteRateLimitKey(ncbi.url);
  });

  test('with an API key: E-utilities and the ID converter at 10/s (key sent to both), PubTator3 still at 3/s, no 429', async () => {
    const started = performance.now();
    await Promise.all([
      ...Array.from({ length: 12 }, () => esearch(services.ncbi, { db: 'pubmed', term: 'bone', window: WINDOW })),
      ...Array.from({ length: 12 }, () => pmcidsForPmids(services.ncbi, services.env.PMC_IDCONV_URL, ['41000001'])),
      ...Array.from({ length: 7 }, (_, i) => exportBiocJson(services.ncbi, services.env.PUBTATOR_URL, { pmids: [String(41000100 + i)] })),
    ]);
    const seconds = (performance.now() - started) / 1000;
    assert.equal(ncbi.rateLimitedCount(), 0, 'no service refused a request');
    assert.ok(busiestSecond(ncbi.requests, 'pubtator') <= 3, `PubTator3 saw ${busiestSecond(ncbi.requests, 'pubtator')} in a second`);
    assert.ok(busiestSecond(ncbi.requests, 'eutils') > 3, 'E-utilities ran at the keyed rate, not 3/s');
    assert.ok(busiestSecond(ncbi.requests, 'eutils') <= 10);
    assert.ok(busiestSecond(ncbi.requests, 'idconv') > 3, 'the ID converter ran at the keyed rate');
    assert.ok(busiestSecond(ncbi.requests, 'idconv') <= 10);
    // 7 PubTator requests at 3/s take at least two seconds; the 12 keyed requests fit in under two.
    assert.ok(seconds >= 2, `took ${seconds} s`);
    for (const r of ncbi.requests.filter((q) => q.service === 'idconv')) assert.equal(r.params.api_key, API_KEY, 'the key goes to the ID converter');
  });

  test('every request names litwatch, its version and the contact; tool and email go where NCBI takes them', () => {
    const ua = `litwatch/${litwatchVersion()} (+mailto:ops@litwatch.example)`;
    assert.match(litwatchVersion(), /^\d+\.\d+\.\d+/);
    for (const r of ncbi.requests) assert.equal(r.userAgent, ua, r.endpoint);
    for (const r of ncbi.requests.filter((q) => q.service !== 'pubtator')) {
      assert.deepEqual([r.params.tool, r.params.email], ['litwatch', 'ops@litwatch.example'], r.endpoint);
    }
    // PubTator3's API page documents no tool/email/api_key: only its own parameters are sent.
    for (const r of ncbi.requests.filter((q) => q.service === 'pubtator')) assert.deepEqual(Object.keys(r.params).sort(), ['full', 'pmids']);
  });

  test('PubTator3 is asked for PMCIDs on pmc_export and for PMIDs on export (with full=true)', async () => {
    const before = ncbi.requests.length;
    await exportBiocJson(services.ncbi, services.env.PUBTATOR_URL, { pmcids: ['PMC9000001'] });
    await exportBiocJson(services.ncbi, services.env.PUBTATOR_URL, { pmids: ['41000001'] });
    assert.deepEqual(
      ncbi.requests.slice(before).map((r) => [r.endpoint, r.params]),
      [
        ['pubtator-pmc', { pmcids: 'PMC9000001' }],
        ['pubtator', { pmids: '41000001', full: 'true' }],
      ],
    );
  });
});

describe('litwatch start without NCBI_EMAIL', () => {
  test('pointing at the live NCBI host gives one warning line naming NCBI policy', async () => {
    const prefix = testPrefix('no-email');
    // A worker role with no watch polls nothing: it never calls NCBI, it only starts.
    const child = spawnCli(
      ['start', '--role', 'worker'],
      cliEnv({ ...sharedSettings(), REDIS_URL, LITWATCH_PREFIX: prefix, LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'w', query: 'bone' }])) }),
    );
    try {
      const deadline = Date.now() + PATIENCE_MS;
      while (!child.output.stderr.includes('"event":"litwatch.started"')) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no start: ${child.output.stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const warnings = child.output.stderr.split('\n').filter((line) => line.includes('"event":"ncbi.no_email"'));
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /NCBI_EMAIL is not set.*NBK25497/);
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
      await deletePrefix(prefix);
    }
  });

  test('pointing at a local stand-in, or with NCBI_EMAIL set, says nothing about it', () => {
    assert.equal(missingEmailWarning({ NCBI_EUTILS_URL: 'http://127.0.0.1:9/entrez/eutils' }), undefined);
    assert.equal(missingEmailWarning({ NCBI_EUTILS_URL: 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils', NCBI_EMAIL: 'a@b.org' }), undefined);
    assert.ok(missingEmailWarning({ NCBI_EUTILS_URL: 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils' }));
  });
});
