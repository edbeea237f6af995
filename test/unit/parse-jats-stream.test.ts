import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { JatsArticle } from '../../src/parse/full-text.ts';
import { parseJatsXml, PmcRecordError, PmcXmlError, streamJatsArticles, type Chunk, type JatsParseOptions } from '../../src/parse/jats-stream.ts';

function fixture(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/jats/${name}`, import.meta.url));
}

async function collect(source: AsyncIterable<Chunk> | Iterable<Chunk>, options?: JatsParseOptions): Promise<JatsArticle[]> {
  const articles: JatsArticle[] = [];
  for await (const article of streamJatsArticles(source, options)) articles.push(article);
  return articles;
}

/** The bytes in pieces of `size`, as an async source (a network body arrives like this). */
async function* inPieces(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

const pmcids = (articles: JatsArticle[]): string[] => articles.map((a) => a.article.pmcid);

describe('documents the parser accepts', () => {
  test('a pmc-articleset with two articles yields both, in order', () => {
    assert.deepEqual(pmcids(parseJatsXml(fixture('articleset-two.xml').toString())), ['PMC11900301', 'PMC11900302']);
  });

  test('a bare <article> from an OA package (.nxml) yields that one article', () => {
    assert.deepEqual(pmcids(parseJatsXml(fixture('bare-article.nxml').toString())), ['PMC11900201']);
  });

  test('an empty set yields nothing, self-closed or not', () => {
    const prolog = '<?xml version="1.0"  ?><!DOCTYPE pmc-articleset PUBLIC "-//NLM//DTD ARTICLE SET 2.0//EN" "nlm-articleset-2.0.dtd">';
    assert.deepEqual(parseJatsXml(`${prolog}<pmc-articleset/>`), []);
    assert.deepEqual(parseJatsXml(`${prolog}<pmc-articleset>\n</pmc-articleset>\n`), []);
  });
});

describe('responses that are not an article set', () => {
  test("an eFetchResult ERROR throws a PmcXmlError with NCBI's text", () => {
    assert.throws(
      () => parseJatsXml(fixture('efetch-error.xml').toString()),
      (error: unknown) => {
        assert.ok(error instanceof PmcXmlError);
        assert.match(error.message, /not a pmc-articleset: Empty id list - nothing todo/);
        assert.equal(error.ncbiError, 'Empty id list - nothing todo');
        return true;
      },
    );
  });

  test('an ERROR inside the set throws after the articles before it were yielded', async () => {
    const seen: string[] = [];
    await assert.rejects(
      async () => {
        for await (const article of streamJatsArticles([fixture('error-in-set.xml')])) seen.push(article.article.pmcid);
      },
      { name: 'PmcXmlError', message: /error inside the pmc-articleset: Search Backend failed: Database is not supported: pmc & retry later/ },
    );
    assert.deepEqual(seen, ['PMC11900601']);
  });

  test('a JSON rate-limit body throws with its error text', () => {
    const body = '{"error":"API rate limit exceeded","count":"4","limit":"3"}';
    assert.throws(() => parseJatsXml(body), { name: 'PmcXmlError', message: /API rate limit exceeded/ });
  });

  test('an empty body throws', () => {
    assert.throws(() => parseJatsXml(''), { name: 'PmcXmlError', message: /empty/ });
  });

  test('a response cut off inside an article throws after the complete articles', async () => {
    const whole = fixture('articleset-two.xml');
    const cut = whole.subarray(0, whole.indexOf('<article-id pub-id-type="pmc">11900302'));
    const seen: string[] = [];
    await assert.rejects(
      async () => {
        for await (const article of streamJatsArticles(inPieces(cut, 500))) seen.push(article.article.pmcid);
      },
      { name: 'PmcXmlError', message: /ended before <\/pmc-articleset>/ },
    );
    assert.deepEqual(seen, ['PMC11900301']);
  });

  test('a bare article cut off before its end throws', () => {
    const whole = fixture('bare-article.nxml').toString();
    assert.throws(() => parseJatsXml(whole.slice(0, whole.indexOf('<back>'))), { name: 'PmcXmlError', message: /ended before <\/article>/ });
  });
});

describe('chunked input', () => {
  const bytes = fixture('articleset-two.xml');
  const expected = parseJatsXml(bytes.toString('utf8'));

  test('the fixture really has multi-byte characters to split', () => {
    for (const char of ['μ', '–', '陈']) assert.ok(bytes.includes(char), char);
  });

  test('1-byte chunks give the same articles as one string', async () => {
    assert.deepEqual(await collect(inPieces(bytes, 1)), expected);
  });

  test('1-character text chunks give the same articles as one string', async () => {
    assert.deepEqual(await collect(bytes.toString('utf8').split('')), expected);
  });
});

describe('an article that cannot be read', () => {
  test('is skipped and reported while the good articles around it are kept', async () => {
    const errors: PmcRecordError[] = [];
    const articles = await collect(inPieces(fixture('bad-article.xml'), 256), { onRecordError: (e) => errors.push(e) });
    assert.deepEqual(pmcids(articles), ['PMC11900701', 'PMC11900703']);
    assert.equal(errors.length, 2);
    assert.ok(errors[0] instanceof PmcRecordError);
    assert.equal(errors[0]?.pmcid, 'PMC11900702');
    assert.match(errors[0]?.message ?? '', /PMC11900702.*article-title/);
    assert.match(errors[0]?.snippet ?? '', /^<article article-type="research-article"><front>/);
  });

  test('without a PMCID is reported as such', () => {
    const errors: PmcRecordError[] = [];
    parseJatsXml(fixture('bad-article.xml').toString(), { onRecordError: (e) => errors.push(e) });
    assert.equal(errors[1]?.pmcid, undefined);
    assert.match(errors[1]?.message ?? '', /could not read an <article>, skipped: article has no PMCID/);
  });

  test('is reported as a process warning when no callback is given', async () => {
    const warning = once(process, 'warning');
    const articles = parseJatsXml(fixture('bad-article.xml').toString());
    assert.equal(articles.length, 2);
    const [error] = (await warning) as [Error];
    assert.equal(error.name, 'PmcRecordError');
  });
});
