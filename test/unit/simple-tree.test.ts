import assert from 'node:assert/strict';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { articleXml } from '../../bench/generate-efetch.ts';
import { createRng } from '../../bench/prng.ts';
import { parseRecord } from '../../src/parse/pubmed-record.ts';
import { prunePubmedArticle } from '../../src/parse/pubmed-prune.ts';
import { PUBMED_SET, splitStream } from '../../src/parse/pubmed-split.ts';
import { scanSimpleTree } from '../../src/parse/simple-tree.ts';
import { PUBMED_RAW_SET, parseXmlTree, xmlTreeParser } from '../../src/parse/xml-tree.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHARED = path.resolve(here, '../../../shared/fixtures/ncbi/pubmed-efetch');
const OWN = path.resolve(here, '../fixtures/pubmed');

// fast-xml-parser with the options xml-tree.ts gives it, and T and K as the stop nodes.
const STOP = new Set(['T', 'K']);
const parser = xmlTreeParser([...STOP]);
const scan = (xml: string) => scanSimpleTree(xml, STOP);

/** The pruned heads of every journal article in an efetch file or string. */
async function heads(source: Readable): Promise<string[]> {
  const found: string[] = [];
  for await (const record of splitStream(source, PUBMED_SET)) {
    if (record.tag === 'PubmedArticle') found.push(prunePubmedArticle(record.bytes).xml);
  }
  return found;
}

/** Every head the scanner reads gives the parser's tree; returns how many it read. */
function assertSameTrees(xmls: string[]): number {
  let scanned = 0;
  for (const xml of xmls) {
    const tree = scanSimpleTree(xml, PUBMED_RAW_SET);
    if (tree === undefined) continue;
    scanned++;
    assert.deepEqual(tree, parseXmlTree(xml), xml.slice(0, 200));
  }
  return scanned;
}

describe('simple-tree: the parser tree of plain XML, built with searches', () => {
  test('gives the same tree as fast-xml-parser for plain XML', () => {
    const plain = [
      '<a>  x  </a>',
      '<a k="v">x</a>',
      '<a/>',
      '<a k="v"/>',
      '<a></a>',
      '<a k="v"></a>',
      '<a k="v">  </a>',
      '<a>\n\n</a>',
      '<r><a>1</a><a>2</a></r>',
      '<r><a>1</a><b/><a>2</a></r>',
      '<r><a/><a>x</a></r>',
      '<r><a><b>1</b></a><a>t</a></r>',
      '<r><a>1</a><a k="2"/></r>',
      '<a>x<b>y</b>z</a>',
      '<a> x <b>y</b> z <c/> w </a>',
      '<a b="1"><c>2</c>tt</a>',
      '<a><b>x</b><b k="1">y</b></a>',
      "<a k='v'>x</a>",
      '<a k="a&amp;b">x &lt; y</a>',
      '<a k="1" k="2">x</a>',
      '<a k = "1">x</a>',
      '<a\nk="1"\n>t</a>',
      '<a k="x>y">t</a>',
      '<a>x > y</a>',
      '<a>x</a >',
      '  <a>x</a>  ',
      '<r><x.y-z:w>1</x.y-z:w></r>',
      '<r><a>\t\r\n x\u00a0</a></r>',
      // stop nodes: inner XML raw and untrimmed
      '<r><T>  a <i>b</i>  </T></r>',
      '<r><T k="1"> a <i>b</i> </T></r>',
      '<r><T k="1">  </T></r>',
      '<r><T>  </T></r>',
      '<r><T/></r>',
      '<r><T></T></r>',
      '<r><T k="1"/></r>',
      '<r><T> x </T ></r>',
      '<r><T>a</T><T>b</T><K>c</K></r>',
      '<r><T>a</T >b</r>',
    ];
    for (const xml of plain) {
      const tree = scan(xml);
      assert.ok(tree, `scanned: ${xml}`);
      assert.deepEqual(tree, parser(xml), xml);
    }
  });

  test('declines what is not plain XML, so that the parser reads it (and reports its errors) as before', () => {
    const declined = [
      '<r><!-- a comment --><a>1</a></r>',
      '<r><a><![CDATA[x]]></a></r>',
      '<?xml version="1.0"?><r/>',
      '<!DOCTYPE r><r/>',
      '<a>t</b>',
      '<r><a>t</r>',
      '<a>t',
      '<r><T>a<T>b</T>c</T></r>', // a stop node holding its own name: the parser counts the nesting
      '<r><T>a<T>b</T></r>',
      '<r><T>unclosed</r>',
      '<a/><b/>', // two roots
      '', // none
      '  \n ',
      'pre <r/>',
      '<r/> tail',
      '<a k=v>x</a>',
      '<a k>x</a>',
      '<a k="1"k="2">x</a>',
      '<a k="1"/ >',
      '< a>x</a>',
      '<1a>x</1a>',
      '<a k="open>x</a>',
      '<r><constructor>1</constructor></r>', // names an object already has
      '<r><__proto__>1</__proto__></r>',
    ];
    for (const xml of declined) assert.equal(scan(xml), undefined, xml);
  });

  test('a record the scanner declines is read by the parser: the same article, the same error', () => {
    const record = (extra: string) =>
      `<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">123</PMID>${extra}<Article><Journal><Title>J</Title></Journal><ArticleTitle>A <i>t</i></ArticleTitle></Article></MedlineCitation></PubmedArticle>`;
    const plain = record('');
    const commented = record('<!-- note -->');
    assert.ok(scanSimpleTree(prunePubmedArticle(Buffer.from(plain)).xml, PUBMED_RAW_SET));
    assert.equal(scanSimpleTree(prunePubmedArticle(Buffer.from(commented)).xml, PUBMED_RAW_SET), undefined);
    const raw = (xml: string) => ({ tag: 'PubmedArticle' as const, bytes: Buffer.from(xml), xml });
    assert.deepEqual(parseRecord(raw(commented)), parseRecord(raw(plain)));
    assert.equal(parseRecord(raw(plain)).kind, 'pubmed');
    const unclosed = record('').replace('</ArticleTitle>', '');
    assert.throws(() => parseRecord(raw(unclosed)), /ArticleTitle/);
  });

  test('over 300 generated records: every head is scanned, each tree the parser tree', async () => {
    const rng = createRng(7);
    const records = Array.from({ length: 300 }, (_, i) => articleXml(rng, 41_000_000 + i, { year: 2026, month: 11, day: 1 + (i % 26) }));
    const xmls = await heads(Readable.from([`<PubmedArticleSet>${records.join('\n')}</PubmedArticleSet>`]));
    assert.equal(xmls.length, 300);
    assert.equal(assertSameTrees(xmls), 300);
  });

  test("over the project's own efetch fixtures: each scanned tree is the parser tree", async () => {
    const files = readdirSync(OWN).filter((f) => f.endsWith('.xml'));
    let scanned = 0;
    for (const file of files) {
      const xmls = await heads(createReadStream(path.join(OWN, file))).catch(() => []); // error replies hold no records
      scanned += assertSameTrees(xmls);
    }
    assert.ok(scanned >= 10, `${scanned} heads scanned`);
  });

  test('over the recorded efetch replies (../shared/fixtures/ncbi/pubmed-efetch): each scanned tree is the parser tree', {
    skip: !existsSync(SHARED) && '../shared fixtures not present',
  }, async () => {
    let scanned = 0;
    let all = 0;
    for (const file of readdirSync(SHARED)) {
      const xmls = await heads(createReadStream(path.join(SHARED, file))).catch(() => []);
      all += xmls.length;
      scanned += assertSameTrees(xmls);
    }
    // Real records are plain XML once pruned: the scanner should read nearly all of them.
    assert.ok(all > 0 && scanned >= all * 0.9, `${scanned} of ${all} heads scanned`);
  });
});
