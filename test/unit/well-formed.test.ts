import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readSearchReply } from '../../src/ncbi/eutils.ts';
import { readIdconvReply } from '../../src/ncbi/pmc-idconv.ts';
import type { PubmedArticle } from '../../src/parse/article.ts';
import { decodeEntities } from '../../src/parse/inline-markup.ts';
import { parseJatsXml } from '../../src/parse/jats-stream.ts';
import { parsePubmedXml } from '../../src/parse/pubmed-stream.ts';
import { isWellFormedText, parseWellFormedJson, wellFormed } from '../../src/text/well-formed.ts';
import { jatsArticleXml } from '../helpers/jats-xml.ts';
import { pubmedArticleSetXml, pubmedArticleXml } from '../helpers/pubmed-xml.ts';

/** Every string in a value, however deep. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

function assertAllWellFormed(value: unknown): void {
  for (const s of strings(value)) assert.ok(isWellFormedText(s), `not well-formed: ${JSON.stringify(s)}`);
}

describe('wellFormed', () => {
  test('a lone high or low surrogate becomes U+FFFD; a real pair stays', () => {
    assert.equal(wellFormed('a\ud800b'), 'a\ufffdb');
    assert.equal(wellFormed('a\udc00b'), 'a\ufffdb');
    assert.equal(wellFormed('end\ud83d'), 'end\ufffd');
    assert.equal(wellFormed('smile \ud83d\ude00'), 'smile \ud83d\ude00');
  });

  test('control characters go, but tab and line feed stay and a CR ends a line', () => {
    assert.equal(wellFormed('a\u0000b\u0001c\u001fd\u007fe\u0085f\u009fg'), 'abcdefg');
    assert.equal(wellFormed('col1\tcol2\nline2'), 'col1\tcol2\nline2');
    assert.equal(wellFormed('one\r\ntwo\rthree'), 'one\ntwo\nthree');
  });

  test('text that needs nothing is returned as it is', () => {
    const text = 'Denosumab and zoledronic acid in bone metastasis: 75\u00a0år, β-catenin';
    assert.equal(wellFormed(text), text);
    assert.ok(isWellFormedText(text));
    assert.ok(!isWellFormedText('x\ud800'));
    assert.ok(!isWellFormedText('x\u0000'));
  });

  test('JSON escapes are decoded and then made well-formed, keys too', () => {
    const value = parseWellFormedJson('{"title":"a\\ud800b","list":["\\u0000x",{"k\\udfffey":"\\ud83d\\ude00"}],"n":3,"ok":true,"none":null}');
    assert.deepEqual(value, { title: 'a\ufffdb', list: ['x', { 'k\ufffdey': '\ud83d\ude00' }], n: 3, ok: true, none: null });
  });

  test('a __proto__ key read from JSON stays a plain key and never becomes the prototype', () => {
    const value = parseWellFormedJson('{"__proto__":{"polluted":"\\ud800"}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(value, '__proto__')?.value, { polluted: '\ufffd' });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('replies decoded into well-formed text', () => {
  test('an XML reference to a surrogate or a control character decodes to well-formed text', () => {
    assert.equal(decodeEntities('a&#xD800;b'), 'a\ufffdb');
    assert.equal(decodeEntities('a&#55296;b&#xDFFF;'), 'a\ufffdb\ufffd');
    assert.equal(decodeEntities('bell&#x7;&#0;&#1;'), 'bell&#0;');
    assert.equal(decodeEntities('&#xD83D;&#xDE00;'), '\ud83d\ude00', 'a pair written as two references is one character');
  });

  test('a PubMed record with lone surrogates in its title, abstract and author is parsed well-formed, by either tree reader', () => {
    const spec = {
      pmid: '41990001',
      title: 'Osteoclasts &#xD800;in bone&#x1; metastasis',
      abstract: { BACKGROUND: 'Text &#xDC00; here.', RESULTS: 'More &#55296; text.' },
      authors: [{ last: 'NakamuraSURROGATE', fore: 'Aiko' }],
    };
    // The helper escapes '&' in names: the reference is put in after, as PubMed would send it.
    const plain = pubmedArticleXml(spec).replaceAll('SURROGATE', '&#xD800;');
    // A comment makes simple-tree.ts decline, so fast-xml-parser reads the same record.
    const withComment = plain.replace('<Language>', '<!-- a comment --><Language>');
    for (const xml of [plain, withComment]) {
      const [record] = parsePubmedXml(pubmedArticleSetXml([xml])) as PubmedArticle[];
      assert.ok(record);
      assertAllWellFormed(record);
      assert.equal(record.title, 'Osteoclasts \ufffdin bone metastasis');
      assert.deepEqual(
        record.abstract.map((part) => part.text),
        ['Text \ufffd here.', 'More \ufffd text.'],
      );
      assert.equal(record.authors[0]?.lastName, 'Nakamura\ufffd');
    }
  });

  test('a JATS article with a lone surrogate in its title and body is parsed well-formed', () => {
    // The helper escapes '&': the references are put in after, as PMC would send them.
    const xml = jatsArticleXml({
      pmcid: 'PMC9000001',
      title: 'Bone SURROGATEniche',
      abstract: 'Osteoclasts SURROGATE here.',
      body: ['Cells SURROGATE grew.'],
    }).replaceAll('SURROGATE', '&#xDBFF;');
    const [article] = parseJatsXml(`<pmc-articleset>${xml}</pmc-articleset>`);
    assert.ok(article);
    assertAllWellFormed(article);
    assert.equal(article.article.title, 'Bone \ufffdniche');
  });

  test('an esearch warning holding an escaped lone surrogate is read well-formed', () => {
    const reply = JSON.stringify({
      esearchresult: { count: '0', idlist: [], warninglist: { phrasesignored: [], quotedphrasesnotfound: [], outputmessages: ['Bad \ud800 term'] } },
    });
    assert.match(reply, /\\ud800/, 'JSON.stringify writes the lone surrogate as an escape, as a JSON server may');
    const result = readSearchReply(reply);
    assert.deepEqual(result.warnings, [{ kind: 'outputMessage', phrase: 'Bad \ufffd term' }]);
  });

  test('an ID converter reply with an escaped lone surrogate in an id is read well-formed', () => {
    const found = readIdconvReply('{"status":"ok","records":[{"pmid":41990001,"requested-id":"41990001","pmcid":"PMC9\\ud8001"}]}');
    assert.deepEqual([...found], [['41990001', 'PMC9\ufffd1']]);
  });
});
