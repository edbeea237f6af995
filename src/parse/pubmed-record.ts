/**
 * One raw efetch record (`PubmedArticle`, `PubmedBookArticle` or `DeleteCitation`) → PubmedRecord.
 * Throws when the record cannot be read; the stream parser turns that into a skipped record.
 */
import type { Author, DeletedCitations, PubmedArticle, PubmedRecord } from './article.ts';
import { inlineToCard } from './inline-markup.ts';
import { parseDateElement, parsePubDate } from './pubmed-dates.ts';
import {
  articleId,
  assign,
  eLocationId,
  normalisePmcid,
  parseAbstract,
  parseAuthors,
  parseComments,
  parseKeywords,
  parseMesh,
  parseScannedAbstract,
  parseScannedKeywords,
  scanArticleIds,
  scannedArticleId,
} from './pubmed-fields.ts';
import { pruneRecord, prunePubmedArticle, type PrunedArticle } from './pubmed-prune.ts';
import type { RawRecord } from './pubmed-split.ts';
import { scanSimpleTree } from './simple-tree.ts';
import { attr, child, children, parseXmlTree, path, PUBMED_RAW_SET, rawText, text, type XmlValue } from './xml-tree.ts';

export function parseRecord(raw: RawRecord): PubmedRecord {
  // A journal article's flat lists (one AuthorList in Article, one MeshHeadingList, the
  // Abstract, the KeywordLists, its ArticleIdList) are read from raw text by the list scanner,
  // the rest of it (plain XML as a rule) by simple-tree.ts, and fast-xml-parser reads what
  // simple-tree declines and every other kind of record.
  const article = raw.tag === 'PubmedArticle' ? prunePubmedArticle(raw.bytes) : undefined;
  const tree = (article && scanSimpleTree(article.xml, PUBMED_RAW_SET)) ?? parseXmlTree(article ? article.xml : pruneRecord(raw));
  const root = child(tree, raw.tag);
  if (root === undefined) throw new Error(`no <${raw.tag}> element in the record`);
  switch (raw.tag) {
    case 'PubmedArticle':
      return parseJournalArticle(root, article!);
    case 'PubmedBookArticle':
      return parseBookArticle(root);
    case 'DeleteCitation':
      return parseDeleteCitation(root);
  }
}

/** `lifted`: the inner XML of the lists lifted out before parsing (prunePubmedArticle), when they were. */
function parseJournalArticle(root: XmlValue, lifted: PrunedArticle): PubmedArticle {
  const citation = child(root, 'MedlineCitation');
  const article = child(citation, 'Article');
  if (article === undefined) throw new Error('no MedlineCitation/Article in the record');
  const journal = child(article, 'Journal');
  const issue = child(journal, 'JournalIssue');
  const result: PubmedArticle = {
    kind: 'pubmed',
    pmid: requirePmid(citation),
    ...titles(article),
    abstract: lifted.abstract === undefined ? parseAbstract(child(article, 'Abstract')) : parseScannedAbstract(lifted.abstract),
    authors: parseAuthors(lifted.authorList ?? child(article, 'AuthorList')),
    journal: { title: text(child(journal, 'Title')) ?? '' },
    ...parsePubDate(child(issue, 'PubDate')),
    languages: texts(children(article, 'Language')),
    publicationTypes: texts(children(child(article, 'PublicationTypeList'), 'PublicationType')),
    keywords: parseScannedKeywords(lifted.keywordLists),
    mesh: parseMesh(lifted.meshList ?? child(citation, 'MeshHeadingList')),
    comments: parseComments(child(citation, 'CommentsCorrectionsList')),
  };
  // The article's own DOI: ArticleIdList first, the publisher's ELocationID second. Never a
  // deeper ArticleIdList: those belong to cited references (and were pruned anyway).
  const eLocations = children(article, 'ELocationID');
  const ids = lifted.articleIds === undefined ? [] : scanArticleIds(lifted.articleIds);
  assign(result, 'doi', scannedArticleId(ids, 'doi') ?? eLocationId(eLocations, 'doi'));
  assign(result, 'pmcid', normalisePmcid(scannedArticleId(ids, 'pmc')));
  assign(result.journal, 'isoAbbreviation', text(child(journal, 'ISOAbbreviation')));
  assign(result.journal, 'issn', text(child(journal, 'ISSN')));
  assign(result.journal, 'volume', text(child(issue, 'Volume')));
  assign(result.journal, 'issue', text(child(issue, 'Issue')));
  assign(result, 'pages', pages(child(article, 'Pagination')));
  const electronic = children(article, 'ArticleDate').find((d) => attr(d, 'DateType') === 'Electronic');
  assign(result, 'electronicDate', parseDateElement(electronic));
  assign(result, 'status', attr(citation, 'Status'));
  return result;
}

/**
 * A book or book chapter. The title is the chapter's `ArticleTitle` when there is one, else the
 * `BookTitle`, which is also the "journal" the card names as the source. Authors are the
 * chapter's or book's authors; a book known only by its editors (GeneReviews) lists those.
 */
function parseBookArticle(root: XmlValue): PubmedArticle {
  const document = child(root, 'BookDocument');
  const book = child(document, 'Book');
  if (book === undefined) throw new Error('no BookDocument/Book in the record');
  const bookTitle = inlineToCard(rawText(child(book, 'BookTitle')));
  const { title, vernacularTitle } = titles(document);
  const result: PubmedArticle = {
    kind: 'book',
    pmid: requirePmid(document),
    title: title || bookTitle,
    abstract: parseAbstract(child(document, 'Abstract')),
    authors: bookAuthors(document, book),
    journal: { title: bookTitle },
    ...parsePubDate(child(book, 'PubDate')),
    languages: texts(children(document, 'Language')),
    publicationTypes: texts(children(document, 'PublicationType')),
    keywords: parseKeywords(children(document, 'KeywordList')),
    mesh: [],
    comments: [],
  };
  assign(result, 'vernacularTitle', vernacularTitle);
  const eLocations = [...children(document, 'ELocationID'), ...children(book, 'ELocationID')];
  const ids = [path(root, 'PubmedBookData', 'ArticleIdList'), child(document, 'ArticleIdList')];
  assign(result, 'doi', articleId(ids[0], 'doi') ?? articleId(ids[1], 'doi') ?? eLocationId(eLocations, 'doi'));
  assign(result, 'pmcid', normalisePmcid(articleId(ids[0], 'pmc')));
  assign(result.journal, 'volume', text(child(book, 'Volume')));
  assign(result, 'pages', pages(child(document, 'Pagination')));
  return result;
}

function bookAuthors(document: XmlValue | undefined, book: XmlValue): Author[] {
  const lists = [...children(document, 'AuthorList'), ...children(book, 'AuthorList')];
  const authorLists = lists.filter((list) => (attr(list, 'Type') ?? 'authors') === 'authors');
  const chosen = authorLists.length > 0 ? authorLists : lists;
  return chosen.flatMap(parseAuthors);
}

function parseDeleteCitation(root: XmlValue): DeletedCitations {
  return { kind: 'deleted', pmids: texts(children(root, 'PMID')) };
}

/** Title in card form; an empty `ArticleTitle` (original-language-only records) falls back to the vernacular one. */
function titles(parent: XmlValue | undefined): { title: string; vernacularTitle?: string } {
  const title = inlineToCard(rawText(child(parent, 'ArticleTitle')));
  const vernacularTitle = inlineToCard(rawText(child(parent, 'VernacularTitle')));
  if (!vernacularTitle) return { title };
  return { title: title || vernacularTitle, vernacularTitle };
}

function requirePmid(parent: XmlValue | undefined): string {
  const pmid = text(child(parent, 'PMID'));
  if (!pmid) throw new Error('record has no PMID');
  return pmid;
}

/** `MedlinePgn` ("113-25"), else StartPage[-EndPage] as given. */
function pages(pagination: XmlValue | undefined): string | undefined {
  const medline = text(child(pagination, 'MedlinePgn'));
  if (medline) return medline;
  const start = text(child(pagination, 'StartPage'));
  const end = text(child(pagination, 'EndPage'));
  return start && end ? `${start}-${end}` : start;
}

function texts(nodes: XmlValue[]): string[] {
  return nodes.map(text).filter((value): value is string => value !== undefined);
}
