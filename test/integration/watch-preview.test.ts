import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Services } from '../../src/services.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { cliEnv, configDir, runCli, watchesYaml } from '../helpers/cli.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { deletePrefix, ncbiEnv, REDIS_URL, REFERENCE_DAY, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

const CURRENT = '"bone metastas*"[tiab]';
const EDITED = '"bone metastas*"[tiab] NOT "case reports"[pt]';
const prefix = testPrefix('preview');
let ncbi: FakeNcbi;
let services: Services;

before(async () => {
  ncbi = await new FakeNcbi().start();
  // Entered on the suite's pinned day, which the CLI's clock reads too (LITWATCH_CLOCK, see cliEnv).
  const day = REFERENCE_DAY.toISOString().slice(0, 10).replaceAll('-', '/');
  const titles: Record<string, string> = {
    '41000801': 'A case report of bone metastasis',
    '41000802': 'Bone metastasis cohort',
    '41000803': 'Bone metastasis trial',
    '41000804': 'Bone metastasis registry study',
  };
  ncbi.addRecords(Object.entries(titles).map(([pmid, title]) => ({ pmid, edat: day, xml: pubmedArticleXml({ pmid, title }) })));
  ncbi.setQuery(CURRENT, ['41000801', '41000802', '41000803']);
  ncbi.setQuery(EDITED, ['41000802', '41000803', '41000804']);
  services = testServices({ prefix, eutilsUrl: ncbi.url, config: testConfig([{ id: 'bone', query: CURRENT }]) });
  // The query in force is the one the last poll ran; one of its works is stored.
  await services.metrics.recordPoll('bone', { ok: true, found: 1, query: CURRENT });
  await services.works.upsert(makeArticle({ pmid: '41000801', doi: undefined, title: 'A case report of bone metastasis' }), 'bone');
});

after(async () => {
  await services.close();
  await ncbi.close();
  await deletePrefix(prefix);
});

test('watch preview compares the edited query with the one in force: new, dropped and unchanged works, nothing stored', async () => {
  const env = cliEnv({ REDIS_URL, LITWATCH_PREFIX: prefix, LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'bone', query: EDITED }])), ...ncbiEnv(ncbi.url) });
  const { code, stdout, stderr } = await runCli(['watch', 'preview', 'bone', '--days', '7', '--json'], env);
  assert.equal(code, 0, stderr);
  const result = JSON.parse(stdout) as { changed: boolean; added: string[]; dropped: string[]; unchanged: string[]; titles: Record<string, string> };
  assert.equal(result.changed, true);
  assert.deepEqual([result.added, result.dropped, result.unchanged], [['41000804'], ['41000801'], ['41000803', '41000802']]);
  assert.deepEqual(result.titles, { '41000804': 'Bone metastasis registry study', '41000801': 'A case report of bone metastasis' });
  assert.equal(await services.works.count(), 1, 'nothing stored');
  assert.equal(ncbi.count('esearch.fcgi'), 2);
  assert.equal(ncbi.count('efetch.fcgi'), 1, 'one efetch for the titles of works not stored');

  const text = await runCli(['watch', 'preview', 'bone', '--days', '7'], env);
  assert.match(text.stdout, /1 new, 1 dropped, 2 unchanged/);
  assert.match(text.stdout, /new:\n {2}41000804 {2}Bone metastasis registry study/);
});
