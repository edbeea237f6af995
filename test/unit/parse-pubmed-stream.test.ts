import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { PubmedRecord } from '../../src/parse/article.ts';
import { parsePubmedXml, PubmedRecordError, PubmedXmlError, streamPubmedRecords, type Chunk, type PubmedParseOptions } from '../../src/parse/pubmed-stream.ts';

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/pubmed/${name}`, import.meta.url));
}

async function collect(source: AsyncIterable<Chunk> | Iterable<Chunk>, options?: PubmedParseOptions): Promise<PubmedRecord[]> {
  const records: PubmedRecord[] = [];
  for await (const record of streamPubmedRecords(source, options)) records.push(record);
  return records;
}

/** The bytes in pieces of `size`, as an async source (a network body arrives like this). */
async function* inPieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

const PROLOG =
  '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n';

describe('record kinds', () => {
  test('a DeleteCitation yields the withdrawn PMIDs', () => {
    const records = parsePubmedXml(fixture('deleted.xml').toString());
    assert.deepEqual(
      records.map((r) => r.kind),
      ['pubmed', 'deleted'],
    );
    assert.deepEqual(records[1], { kind: 'deleted', pmids: ['40100082', '40100083'] });
  });

  test('an empty set yields nothing, self-closed or not', () => {
    assert.deepEqual(parsePubmedXml(`${PROLOG}<PubmedArticleSet/>`), []);
    assert.deepEqual(parsePubmedXml(`${PROLOG}<PubmedArticleSet>\n</PubmedArticleSet>\n`), []);
  });
});

describe('responses that are not a record set', () => {
  test("an eFetchResult ERROR throws a PubmedXmlError with NCBI's text", () => {
    assert.throws(
      () => parsePubmedXml(fixture('efetch-error.xml').toString()),
      (error: unknown) => {
        assert.ok(error instanceof PubmedXmlError);
        assert.match(error.message, /Unable to obtain query #1/);
        assert.equal(error.ncbiError, 'Unable to obtain query #1');
        return true;
      },
    );
  });

  test('an ERROR inside the set throws after the records before it were yielded', async () => {
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const record of streamPubmedRecords([fixture('error-in-set.xml')])) {
        if (record.kind !== 'deleted') seen.push(record.pmid);
      }
    }, /error inside the PubmedArticleSet: Search Backend failed: Database is not supported: pubmed & retry later/);
    assert.deepEqual(seen, ['40100091']);
  });

  test('a JSON rate-limit body throws with its error text', () => {
    const body = '{"error":"API rate limit exceeded","count":"4","limit":"3"}';
    assert.throws(() => parsePubmedXml(body), { name: 'PubmedXmlError', message: /API rate limit exceeded/ });
  });

  test('an empty body throws', () => {
    assert.throws(() => parsePubmedXml(' \n'), { name: 'PubmedXmlError', message: /empty/ });
  });

  test('a response cut off inside a record throws after the complete records', async () => {
    const whole = fixture('doi-sources.xml');
    const cut = whole.subarray(0, whole.indexOf('<PMID Version="1">40100003'));
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const record of streamPubmedRecords(inPieces(cut, 1000))) if (record.kind !== 'deleted') seen.push(record.pmid);
    }, /ended before <\/PubmedArticleSet>/);
    assert.deepEqual(seen, ['40100001', '40100002']);
  });
});

describe('chunked input', () => {
  const bytes = fixture('inline-markup.xml');
  const expected = parsePubmedXml(bytes.toString('utf8'));

  test('the fixture really has 2-, 3- and 4-byte characters to split', () => {
    for (const char of ['é', 'μ', '’', '𝛽']) assert.ok(bytes.includes(char), char);
  });

  test('1-byte chunks give the same records as one string', async () => {
    assert.deepEqual(await collect(inPieces(bytes, 1)), expected);
  });

  test('7-byte chunks give the same records as one string', async () => {
    assert.deepEqual(await collect(inPieces(bytes, 7)), expected);
  });

  test('1-character text chunks give the same records, surrogate pairs included', async () => {
    assert.deepEqual(await collect([...bytes.toString('utf8')]), expected);
    assert.deepEqual(await collect(bytes.toString('utf8').split('')), expected);
  });

  test('records are yielded while the source is still being read', async () => {
    const first = fixture('deleted.xml');
    const cut = first.indexOf('<DeleteCitation>');
    let sourceDone = false;
    async function* source(): AsyncGenerator<Buffer> {
      yield first.subarray(0, cut);
      yield first.subarray(cut);
      sourceDone = true;
    }
    for await (const record of streamPubmedRecords(source())) {
      assert.equal(record.kind, 'pubmed');
      assert.equal(sourceDone, false);
      break;
    }
  });
});

describe('a record that cannot be read', () => {
  test('is skipped and reported while the good records around it are kept', async () => {
    const errors: PubmedRecordError[] = [];
    const records = await collect(inPieces(fixture('bad-record.xml'), 4096), { onRecordError: (e) => errors.push(e) });
    assert.deepEqual(
      records.map((r) => (r.kind === 'deleted' ? '' : r.pmid)),
      ['40100101', '40100103'],
    );
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof PubmedRecordError);
    assert.equal(errors[0]?.pmid, '40100102');
    assert.match(errors[0]?.message ?? '', /PMID 40100102.*ArticleTitle/);
    assert.match(errors[0]?.snippet ?? '', /^<PubmedArticle><MedlineCitation/);
  });

  test('is reported as a process warning when no callback is given', async () => {
    const warning = once(process, 'warning');
    const records = parsePubmedXml(fixture('bad-record.xml').toString());
    assert.equal(records.length, 2);
    const [error] = (await warning) as [Error];
    assert.equal(error.name, 'PubmedRecordError');
  });
});
