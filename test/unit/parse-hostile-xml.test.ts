import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PubmedRecord } from '../../src/parse/article.ts';
import { parseJatsXml, PmcRecordError, PmcXmlError, streamJatsArticles } from '../../src/parse/jats-stream.ts';
import { parsePubmedXml, PubmedRecordError, PubmedXmlError, streamPubmedRecords, type Chunk } from '../../src/parse/pubmed-stream.ts';
import { jatsArticleXml } from '../helpers/jats-xml.ts';
import { pubmedArticleSetXml, pubmedArticleXml } from '../helpers/pubmed-xml.ts';

const good = (pmid: string) => pubmedArticleXml({ pmid, title: `Record ${pmid}`, abstract: 'Bone metastases were counted.' });

/** A document whose DOCTYPE carries `subset` as its internal subset. */
const withSubset = (subset: string, body: string) =>
  `<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n${subset}\n]>\n<PubmedArticleSet>${body}</PubmedArticleSet>`;

const BILLION_LAUGHS = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`)].join('\n');

describe('a DOCTYPE that declares entities', () => {
  test('billion laughs: the response is refused unread, naming the entities', () => {
    const xml = withSubset(BILLION_LAUGHS, pubmedArticleXml({ pmid: '40100001', title: '&lol9;' }));
    assert.throws(
      () => parsePubmedXml(xml),
      (err: unknown) => {
        assert.ok(err instanceof PubmedXmlError);
        assert.match(err.message, /declares entities in its DOCTYPE \(lol, lol1, lol2, lol3, lol4 and 5 more\): refused unread/);
        return true;
      },
    );
  });

  test('external and parameter entities are refused the same way, also when the subset arrives in pieces', async () => {
    const xml = withSubset(
      '<!ENTITY xxe SYSTEM "file:///etc/passwd">\n<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">\n%remote;',
      good('40100002').replace('Record 40100002', '&xxe;'),
    );
    const bytes = Buffer.from(xml);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
    const records: PubmedRecord[] = [];
    await assert.rejects(
      async () => {
        for await (const record of streamPubmedRecords(pieces)) records.push(record);
      },
      (err: unknown) => err instanceof PubmedXmlError && /\(xxe \(external\), %remote \(external\)\): refused unread/.test(err.message),
    );
    assert.deepEqual(records, []);
  });

  test('a PMC response with entity declarations is refused too', () => {
    const xml = `<!DOCTYPE pmc-articleset [<!ENTITY xxe SYSTEM "file:///etc/hostname">]><pmc-articleset>${jatsArticleXml({ pmcid: 'PMC9000001', title: 'Bone', abstract: 'Bone.' })}</pmc-articleset>`;
    assert.throws(
      () => parseJatsXml(xml),
      (err: unknown) => err instanceof PmcXmlError && /declares entities .*xxe \(external\)/.test(err.message),
    );
  });

  test('a DOCTYPE that never ends is refused once it passes 64 KB, before it can fill memory', async () => {
    async function* endless(): AsyncGenerator<Chunk> {
      yield '<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [';
      for (let i = 0; i < 10_000; i++) yield `<!ELEMENT e${i} (#PCDATA)>`.padEnd(1024, ' ');
    }
    await assert.rejects(async () => {
      for await (const _ of streamPubmedRecords(endless())) assert.fail('no record can come out of it');
    }, /has a DOCTYPE of more than 64 KB: refused unread/);
  });

  test('declarations without entities are skipped as before, and an undeclared entity is never expanded', () => {
    const xml = withSubset('<!ELEMENT Note (#PCDATA)>', pubmedArticleXml({ pmid: '40100003', title: 'Bone &lol9; metastases' }));
    const [record] = parsePubmedXml(xml);
    assert.equal(record?.kind === 'pubmed' && record.title, 'Bone &lol9; metastases');
  });
});

describe('a record larger than a record may be', () => {
  /** The set as 1 MB chunks, the huge record's filler made as it is read (the test never holds it whole either). */
  async function* setWithHugeRecord(fillerBytes: number, sample: (bytes: number) => void): AsyncGenerator<Chunk> {
    const base = process.memoryUsage().arrayBuffers;
    yield `<PubmedArticleSet>${good('40100101')}`;
    const huge = good('40100102');
    const cut = huge.indexOf('</ArticleTitle>');
    yield huge.slice(0, cut);
    const filler = Buffer.alloc(1 << 20, 'a');
    for (let sent = 0; sent < fillerBytes; sent += filler.length) {
      sample(process.memoryUsage().arrayBuffers - base);
      yield filler;
    }
    yield `${huge.slice(cut)}${good('40100103')}</PubmedArticleSet>`;
  }

  test('a 100 MB PubmedArticle is skipped with its PMID and size, memory stays bounded, its neighbours are kept', async () => {
    const errors: PubmedRecordError[] = [];
    let peak = 0;
    const records: PubmedRecord[] = [];
    const source = setWithHugeRecord(100e6, (bytes) => (peak = Math.max(peak, bytes)));
    for await (const record of streamPubmedRecords(source, { onRecordError: (err) => errors.push(err) })) records.push(record);
    assert.deepEqual(
      records.map((r) => r.kind !== 'deleted' && r.pmid),
      ['40100101', '40100103'],
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /^PMID 40100102 is 100\.\d MB, over the 16\.0 MB a record may have: skipped unread$/);
    assert.equal(errors[0]!.pmid, '40100102');
    assert.match(errors[0]!.snippet, /^<PubmedArticle><MedlineCitation/);
    // The record is dropped as it streams: never held whole (it would be 100 MB and more).
    assert.ok(peak < 80e6, `buffers peaked at ${(peak / 1e6).toFixed(0)} MB`);
  });

  test('a 50 MB PMC article is skipped with its PMCID, the next one kept', async () => {
    const first = jatsArticleXml({ pmcid: 'PMC9000101', title: 'Huge', abstract: 'Huge.', body: ['Start.'] });
    const cut = first.indexOf('</body>');
    async function* chunks(): AsyncGenerator<Chunk> {
      yield `<pmc-articleset>${first.slice(0, cut)}`;
      const filler = Buffer.from(`<p>${'b'.repeat((1 << 20) - 7)}</p>`);
      for (let sent = 0; sent < 50e6; sent += filler.length) yield filler;
      yield `${first.slice(cut)}${jatsArticleXml({ pmcid: 'PMC9000102', title: 'Small', abstract: 'Small.' })}</pmc-articleset>`;
    }
    const errors: PmcRecordError[] = [];
    const articles = [];
    for await (const article of streamJatsArticles(chunks(), { onRecordError: (err) => errors.push(err) })) articles.push(article);
    assert.deepEqual(
      articles.map((a) => a.article.pmcid),
      ['PMC9000102'],
    );
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /^PMC9000101 is 5\d\.\d MB, over the 32\.0 MB an article may have: skipped unread$/);
  });

  test('a set that ends inside a dropped record is reported as truncated, after the records before it', async () => {
    async function* cutShort(): AsyncGenerator<Chunk> {
      yield `<PubmedArticleSet>${good('40100201')}<PubmedArticle><MedlineCitation><PMID>40100202</PMID>`;
      const filler = Buffer.alloc(1 << 20, 'c');
      for (let i = 0; i < 20; i++) yield filler;
    }
    const records: PubmedRecord[] = [];
    await assert.rejects(async () => {
      for await (const record of streamPubmedRecords(cutShort(), { onRecordError: () => assert.fail('the record never ended') })) records.push(record);
    }, /ended before <\/PubmedArticleSet>/);
    assert.equal(records.length, 1);
  });
});

describe('lists read without the XML parser fail a broken record as the parser did', () => {
  test('an AbstractText that never closes skips its record, the others are kept', () => {
    const broken = good('40100301').replace('</AbstractText>', '');
    const errors: PubmedRecordError[] = [];
    const records = parsePubmedXml(pubmedArticleSetXml([good('40100300'), broken, good('40100302')]), { onRecordError: (err) => errors.push(err) });
    assert.deepEqual(
      records.map((r) => r.kind !== 'deleted' && r.pmid),
      ['40100300', '40100302'],
    );
    assert.match(errors[0]!.message, /^could not read PMID 40100301, skipped: Unexpected end of AbstractText$/);
  });
});
