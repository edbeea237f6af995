import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { cliEnv, PROJECT_ROOT, runCli } from '../helpers/cli.ts';
import { pubmedArticleSetXml, pubmedArticleXml } from '../helpers/pubmed-xml.ts';

describe('litwatch card with worker threads (LITWATCH_CARD_WORKERS)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'litwatch-workers-'));
  const many = path.join(dir, 'many.xml');
  const broken = path.join(PROJECT_ROOT, 'test', 'fixtures', 'pubmed', 'bad-record.xml');

  before(() => {
    // 300 records: three batches of records to each of two workers, a broken one among them
    const records = Array.from({ length: 300 }, (_, i) =>
      i === 150
        ? '<PubmedArticle><MedlineCitation><PMID>41009150</PMID><Article><ArticleTitle>never closed</Article></MedlineCitation></PubmedArticle>'
        : pubmedArticleXml({ pmid: String(41009000 + i), title: `Record ${i} on bone metastases`, abstract: `Bone lesions fell by ${i}% (P&lt;0.05).` }),
    );
    writeFileSync(many, pubmedArticleSetXml(records));
  });

  for (const format of [['--json'], []]) {
    test(`print what one thread prints, in the same order, errors included (${format.join('') || 'Markdown'})`, async () => {
      const files = [many, broken];
      const one = await runCli(['card', ...format, ...files], cliEnv({ LITWATCH_CARD_WORKERS: '1' }));
      const three = await runCli(['card', ...format, ...files], cliEnv({ LITWATCH_CARD_WORKERS: '3' }));
      assert.equal(one.code, 1); // the broken records
      assert.equal(three.code, one.code);
      assert.equal(three.stderr, one.stderr);
      assert.equal(three.stdout, one.stdout);
      assert.match(one.stderr, /many\.xml: could not read PMID 41009150, skipped/);
      assert.match(one.stderr, /bad-record\.xml: could not read PMID 40100102, skipped/);
      if (format.length) assert.equal(one.stdout.trim().split('\n').length, 299 + 2);
    });
  }

  test('a bad worker count is one line', async () => {
    const { code, stderr } = await runCli(['card', many], cliEnv({ LITWATCH_CARD_WORKERS: 'many' }));
    assert.equal(code, 1);
    assert.equal(stderr, 'env: LITWATCH_CARD_WORKERS: "many" is not a whole number of workers (1 or more)\n');
  });
});
