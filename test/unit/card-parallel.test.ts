import assert from 'node:assert/strict';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { cardOutcomes, decodeOutcomes, encodeOutcomes, type CardOutcome } from '../../src/card/card-batch.ts';
import { cardsInParallel } from '../../src/card/parallel-cards.ts';
import { cardThreads, DEFAULT_MAX_THREADS, PARALLEL_MIN_BYTES } from '../../src/cli/commands/card.ts';
import { PUBMED_SET, splitText, type RawRecord } from '../../src/parse/pubmed-split.ts';
import { pubmedArticleSetXml, pubmedArticleXml } from '../helpers/pubmed-xml.ts';

/** 600 records (~5 batches), a broken one and a DeleteCitation among them. */
function efetchXml(): string {
  const records = Array.from({ length: 600 }, (_, i) => {
    if (i === 250)
      return '<PubmedArticle><MedlineCitation><PMID>41009250</PMID><Article><ArticleTitle>never closed</Article></MedlineCitation></PubmedArticle>';
    if (i === 400) return '<DeleteCitation><PMID>41009400</PMID></DeleteCitation>';
    return pubmedArticleXml({ pmid: String(41009000 + i), title: `Record ${i} on bone metastases`, abstract: `Bone lesions fell by ${i}% (P&lt;0.05).` });
  });
  return pubmedArticleSetXml(records);
}

/** The outcomes, a worker's lines (UTF-8 bytes) as text, to compare with one thread's. */
async function collect(outcomes: AsyncIterable<CardOutcome>): Promise<CardOutcome[]> {
  const all: CardOutcome[] = [];
  for await (const outcome of outcomes) all.push(asText(outcome));
  return all;
}

function asText(outcome: CardOutcome): CardOutcome {
  return 'bytes' in outcome ? { line: Buffer.from(outcome.bytes).toString('utf8') } : outcome;
}

describe('cards on several threads (parallel-cards.ts)', () => {
  const xml = efetchXml();
  const oneThread = cardOutcomes(splitText(xml, PUBMED_SET), 'json');

  test('the main thread and two workers give what one thread gives, in order, errors included', async () => {
    // pieces of 64 KB, as a file is read: several batches, the first ones to the workers
    const bytes = Buffer.from(xml);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));
    const parallel = await collect(cardsInParallel(pieces, 'json', 3, { awaitWorkers: true }));
    assert.equal(parallel.length, 599 - 1 + 1); // 598 cards and one error; the deletion gives nothing
    assert.deepEqual(parallel, oneThread);
    assert.ok(parallel.length > 0);
    assert.match(JSON.stringify(parallel.find((o) => 'error' in o)), /PMID 41009250/);
  });

  test('a truncated file: the outcomes of its complete records, then the error', async () => {
    const cut = xml.slice(0, Math.floor(xml.length * 0.7));
    const seen: CardOutcome[] = [];
    await assert.rejects(async () => {
      for await (const outcome of cardsInParallel([cut], 'markdown', 2, { awaitWorkers: true })) seen.push(asText(outcome));
    }, /ended before <\/PubmedArticleSet>/);
    const complete: RawRecord[] = [];
    assert.throws(() => {
      for (const raw of splitText(cut, PUBMED_SET)) complete.push(raw);
    }, /ended before/);
    assert.ok(complete.length > 300);
    assert.deepEqual(seen, cardOutcomes(complete, 'markdown'));
  });
});

describe('how many threads card a file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'litwatch-threads-'));
  const small = path.join(dir, 'small.xml');
  const large = path.join(dir, 'large.xml');
  writeFileSync(small, 'x'.repeat(1024));
  writeFileSync(large, '');
  truncateSync(large, PARALLEL_MIN_BYTES); // sparse: only its size is read

  test('a small file: one; a large one: up to the default, when the machine has the cores', async () => {
    assert.equal(await cardThreads(small, {}, undefined), 1);
    assert.equal(await cardThreads(large, {}, undefined), availableParallelism() > 1 ? Math.min(availableParallelism(), DEFAULT_MAX_THREADS) : 1);
  });

  test('LITWATCH_CARD_WORKERS decides when set; side files keep one thread', async () => {
    assert.equal(await cardThreads(small, {}, 3), 3);
    assert.equal(await cardThreads(large, {}, 1), 1);
    assert.equal(await cardThreads(large, { vocab: 'var/vocab' }, 3), 1);
    assert.equal(await cardThreads(large, { pmc: ['pmc.xml'] }, undefined), 1);
  });

  test('a file that cannot be read is left to the read to report', async () => {
    assert.equal(await cardThreads(path.join(dir, 'missing.xml'), {}, undefined), 1);
  });
});

describe("a worker's answer", () => {
  test('lines travel as UTF-8 bytes with their ends, errors as they are', () => {
    const outcomes: CardOutcome[] = [{ line: 'Björn — β' }, { error: 'could not read PMID 1' }, { line: '{"a":1}' }];
    const result = encodeOutcomes(7, outcomes);
    assert.equal(result.text.buffer.byteLength, result.text.byteLength); // its own buffer: transferable
    assert.deepEqual(decodeOutcomes(result).map(asText), outcomes);
  });
});
