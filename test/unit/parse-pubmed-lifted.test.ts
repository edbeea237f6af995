import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PubmedArticle } from '../../src/parse/article.ts';
import { firstInner, scanElement } from '../../src/parse/list-scanner.ts';
import { liftLists, prunePubmedArticle } from '../../src/parse/pubmed-prune.ts';
import { parsePubmedXml, type PubmedRecordError } from '../../src/parse/pubmed-stream.ts';
import { pubmedArticleSetXml, pubmedArticleXml } from '../helpers/pubmed-xml.ts';

const KEYWORDS =
  '<KeywordList Owner="NOTNLM"><Keyword MajorTopicYN="N">bone &amp; joint</Keyword><Keyword MajorTopicYN="N"><i>RANKL</i></Keyword></KeywordList>' +
  '<KeywordList Owner="NLM"><Keyword MajorTopicYN="Y">Denosumab</Keyword><Keyword MajorTopicYN="N">bone &amp; joint</Keyword><Keyword/></KeywordList>';

/** A record with keywords before </MedlineCitation>, its ids as given. */
function record(
  keywords: string,
  ids = '<ArticleId IdType="pubmed">41000001</ArticleId><ArticleId IdType="doi"> 10.1000/Own.1 </ArticleId><ArticleId IdType="pmc">PMC123</ArticleId>',
): string {
  const xml = pubmedArticleXml({ pmid: '41000001', title: 'Bone', references: ['10.9/cited'] });
  return xml
    .replace('</MedlineCitation>', `${keywords}</MedlineCitation>`)
    .replace(/<ArticleIdList>.*?<\/ArticleIdList>/, `<ArticleIdList>${ids}</ArticleIdList>`);
}

function parseOne(xml: string): { articles: PubmedArticle[]; errors: PubmedRecordError[] } {
  const errors: PubmedRecordError[] = [];
  const articles = parsePubmedXml(pubmedArticleSetXml([xml]), { onRecordError: (e) => errors.push(e) }) as PubmedArticle[];
  return { articles, errors };
}

describe('lists lifted out of a journal article before the XML parser', () => {
  test('every KeywordList is read by the scanner, in order, each keyword once', () => {
    const { articles, errors } = parseOne(record(KEYWORDS));
    assert.deepEqual(errors, []);
    assert.deepEqual(articles[0]?.keywords, ['bone & joint', 'RANKL', 'Denosumab']);
  });

  test("the article's own ArticleIdList gives the DOI and PMCID, never a reference's", () => {
    const { articles } = parseOne(record(''));
    assert.equal(articles[0]?.doi, '10.1000/Own.1');
    assert.equal(articles[0]?.pmcid, 'PMC123');
  });

  test('a Keyword or an ArticleId that never closes fails its record, as the XML parser did', () => {
    const keyword = parseOne(record('<KeywordList Owner="NOTNLM"><Keyword MajorTopicYN="N">open</KeywordList>'));
    assert.equal(keyword.articles.length, 0);
    assert.match(keyword.errors[0]?.message ?? '', /could not read PMID 41000001, skipped/);
    const id = parseOne(record('', '<ArticleId IdType="doi">10.1000/x</ArticleID><ArticleId IdType="pmc">PMC1</ArticleId>'));
    assert.equal(id.articles.length, 0);
    assert.match(id.errors[0]?.message ?? '', /could not read PMID 41000001, skipped/);
  });

  test('what the parser still sees has none of the lifted lists; one that does not close stays for it', () => {
    const pruned = prunePubmedArticle(Buffer.from(record(KEYWORDS)));
    assert.equal(pruned.keywordLists.length, 2);
    assert.doesNotMatch(pruned.xml, /<(KeywordList|AuthorList|Abstract|MeshHeadingList|ArticleIdList|PubmedData|ReferenceList)\b/);
    const open = liftLists('<MedlineCitation><KeywordList><Keyword>a</Keyword></MedlineCitation>');
    assert.deepEqual(open.keywordLists, []);
    assert.match(open.xml, /<KeywordList>/);
  });
});

describe('firstInner: the first element without a regex', () => {
  test('gives what scanElement gives on well-formed XML', () => {
    const xml =
      '<LastNameSuffix>no</LastNameSuffix><LastName >Smith &amp; Co</LastName ><LastName>Second</LastName><ForeName/><Initials a="/">J</Initials><Suffix>Jr</Suffix >';
    for (const name of ['LastName', 'ForeName', 'Initials', 'Suffix', 'CollectiveName', 'LastNameSuffix']) {
      assert.equal(firstInner(xml, name), scanElement(xml, name)?.inner, name);
    }
    assert.equal(firstInner('<LastName>never closed', 'LastName'), undefined);
    assert.equal(firstInner('<LastName>a</LastNameX></LastName>', 'LastName'), 'a</LastNameX>');
  });
});
