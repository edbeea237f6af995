import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliEnv, configDir, runCli, watchesYaml } from '../helpers/cli.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { OutageProxy } from '../helpers/outage-proxy.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { deletePrefix, ncbiEnv, REDIS_URL, REFERENCE_DAY, testPrefix } from '../helpers/test-services.ts';

describe('litwatch poll --now does not wait for enrichment unless asked', () => {
  const prefix = testPrefix('cli-enrich');
  const DOWN = '"sacral metastas*"[tiab]';
  const UP = '"pelvic metastas*"[tiab]';
  let ncbi: FakeNcbi;
  let outage: OutageProxy;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    ncbi = await new FakeNcbi().start();
    ncbi.addRecords([
      { pmid: '41000601', edat: '2026/11/26', xml: pubmedArticleXml({ pmid: '41000601', doi: '10.1000/sacral.1', title: 'Sacral metastases and pain' }) },
      { pmid: '41000602', edat: '2026/11/25', xml: pubmedArticleXml({ pmid: '41000602', doi: '10.1000/sacral.2', title: 'Sacral metastases: surgery' }) },
      { pmid: '41000603', edat: '2026/11/25', xml: pubmedArticleXml({ pmid: '41000603', doi: '10.1000/pelvic.3', title: 'Pelvic metastases: radiotherapy' }) },
    ]);
    ncbi.setQuery(DOWN, ['41000601', '41000602']);
    ncbi.setQuery(UP, ['41000603']);
    outage = await new OutageProxy(new URL(ncbi.url).origin).start();
    const watches = watchesYaml([
      { id: 'sacral', query: DOWN },
      { id: 'pelvic', query: UP },
    ]);
    env = cliEnv({ REDIS_URL, LITWATCH_PREFIX: prefix, ...ncbiEnv(ncbi.url), PUBTATOR_URL: outage.url(ncbi.pubtatorUrl), LITWATCH_CONFIG: configDir(watches) });
  });

  after(async () => {
    await outage.close();
    await ncbi.close();
    await deletePrefix(prefix);
  });

  test('poll --now returns once the works are stored and says how many enrichments are pending', async () => {
    const refused = outage.refused;
    const { code, stdout, stderr } = await runCli(['poll', 'sacral', '--now'], env);
    assert.equal(code, 0, stderr);
    assert.match(
      stdout,
      /^sacral: .*2 new works.*; cursor moved; 2 enrichments pending \(a running `litwatch start` completes them; --wait-enrichment waits\)$/m,
    );
    assert.equal(outage.refused, refused, 'nothing in this process asked PubTator');
  });

  test('--wait-enrichment waits for it, and says what a failing service left pending', async () => {
    const { code, stdout, stderr } = await runCli(['poll', 'pelvic', '--now', '--wait-enrichment'], env);
    assert.equal(code, 0, stderr);
    assert.ok(outage.refused > 0, 'PubTator was asked before the command returned');
    assert.match(stdout, /^pelvic: .*1 new work,.*; 1 enrichment still pending \(a service failed: a later poll tries again\)$/m);
  });

  test('--wait-enrichment --json reports no enrichment pending once the service answers', async () => {
    outage.failing = false;
    // The CLI's clock starts on the pinned day (LITWATCH_CLOCK, see cliEnv): the cursor is now that
    // day, so the new record is entered on it.
    const today = REFERENCE_DAY.toISOString().slice(0, 10).replaceAll('-', '/');
    ncbi.addRecords([
      { pmid: '41000604', edat: today, xml: pubmedArticleXml({ pmid: '41000604', doi: '10.1000/pelvic.4', title: 'Pelvic metastases: imaging' }) },
    ]);
    ncbi.setQuery(UP, ['41000603', '41000604']);
    const { code, stdout, stderr } = await runCli(['poll', 'pelvic', '--now', '--wait-enrichment', '--json'], env);
    assert.equal(code, 0, stderr);
    const summary = JSON.parse(stdout) as { created: number; enrichment: { works: number }; enrichmentPending: number };
    assert.equal(summary.created, 1);
    assert.ok(summary.enrichment.works >= 1);
    assert.equal(summary.enrichmentPending, 0);
  });
});
