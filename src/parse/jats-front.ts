/**
 * A JATS `<front>` (journal-meta + article-meta) → the Article's metadata.
 *
 * The front is small and structured, so it goes through the XML parser like a PubMed record.
 * The elements with mixed content are kept raw (stop nodes) and converted to card or plain
 * text here; the bulky ones nothing reads (affiliations, permissions, history) are kept raw too,
 * so the parser skips over them instead of building objects.
 */
import type { Article, PartialDate } from './article.ts';
import type { JatsArticle } from './full-text.ts';
import { inlineToCard, inlineToPlain } from './inline-markup.ts';
import { readAbstracts, type JatsAbstracts } from './jats-abstract.ts';
import { parseContribs } from './jats-contribs.ts';
import { cutElements } from './jats-elements.ts';
import { parseRelatedArticles } from './jats-related.ts';
import { dateFromParts } from './pubmed-dates.ts';
import { assign, normalisePmcid } from './pubmed-fields.ts';
import { attr, child, children, path, rawText, text, xmlTreeParser, type XmlValue } from './xml-tree.ts';

const parseFrontTree = xmlTreeParser([
  'article-title',
  'journal-title',
  'abstract',
  'trans-abstract',
  'collab',
  'kwd',
  'related-article',
  'aff',
  'author-notes',
  'permissions',
  'pub-history',
  'history',
  'funding-group',
  'custom-meta-group',
  'notes',
]);

export interface JatsFront {
  article: JatsArticle['article'];
  /** The title as plain text, for the passages. */
  plainTitle: string;
  abstracts: JatsAbstracts;
}

/**
 * Reads `<front>…</front>`; `articleAttrs` are the `<article>` tag's attributes (type, language).
 * Throws when there is no article-meta or no PMCID: without one the article cannot be stored.
 */
export function parseFront(frontXml: string, articleAttrs: Readonly<Record<string, string>>): JatsFront {
  const front = child(parseFrontTree(frontXml), 'front');
  const meta = child(front, 'article-meta');
  if (meta === undefined) throw new Error('no front/article-meta in the article');
  const pmcid = normalisePmcid(articleId(meta, 'pmcid') ?? articleId(meta, 'pmc'));
  if (pmcid === undefined) throw new Error('article has no PMCID (article-id pub-id-type "pmcid" or "pmc")');
  const rawTitle = cutElements(rawText(path(meta, 'title-group', 'article-title')), ['xref', 'fn']);
  const abstracts = readAbstracts(children(meta, 'abstract'));
  const article: JatsArticle['article'] = {
    kind: 'pmc',
    pmcid,
    title: inlineToCard(rawTitle),
    abstract: abstracts.parts,
    authors: parseContribs(meta),
    journal: journal(child(front, 'journal-meta')),
    ...pubDates(children(meta, 'pub-date')),
    languages: [language(articleAttrs['xml:lang'])],
    publicationTypes: articleAttrs['article-type'] ? [articleAttrs['article-type']] : [],
    keywords: keywords(meta),
    mesh: [],
    comments: parseRelatedArticles(children(meta, 'related-article')),
  };
  assign(article, 'pmid', articleId(meta, 'pmid'));
  assign(article, 'doi', articleId(meta, 'doi'));
  assign(article.journal, 'volume', text(child(meta, 'volume')));
  assign(article.journal, 'issue', text(child(meta, 'issue')));
  assign(article, 'pages', pages(meta));
  return { article, plainTitle: inlineToPlain(rawTitle), abstracts };
}

/** The article's own id of that `pub-id-type` (`pmcid-ver`, `pmcaid`, `manuscript` are other types). */
function articleId(meta: XmlValue, type: string): string | undefined {
  return text(children(meta, 'article-id').find((node) => attr(node, 'pub-id-type') === type));
}

/** Journal title (in `journal-title-group`, or directly in journal-meta in NLM 2.x files), abbreviation, ISSN. */
function journal(journalMeta: XmlValue | undefined): Article['journal'] {
  const title = child(journalMeta, 'journal-title') ?? path(journalMeta, 'journal-title-group', 'journal-title');
  const result: Article['journal'] = { title: inlineToPlain(rawText(title)) };
  const journalIds = children(journalMeta, 'journal-id');
  const journalId = (type: string): string | undefined => text(journalIds.find((node) => attr(node, 'journal-id-type') === type));
  assign(result, 'isoAbbreviation', journalId('iso-abbrev') ?? journalId('nlm-ta'));
  // The print ISSN when there is one, as PubMed lists it first.
  const issns = children(journalMeta, 'issn');
  const print = issns.find((node) => attr(node, 'pub-type') === 'ppub' || attr(node, 'publication-format') === 'print');
  assign(result, 'issn', text(print ?? issns[0]));
  return result;
}

/**
 * `pub-date`s → the electronic date and the issue date. JATS ≤ 1.1 says `pub-type="epub"` /
 * `"ppub"` / `"collection"`; JATS 1.2+ says `date-type` with `publication-format`. For the
 * issue, a print date comes before a collection date (a continuous-publication volume).
 */
function pubDates(nodes: XmlValue[]): { electronicDate?: PartialDate; pubDate?: PartialDate } {
  let electronicDate: PartialDate | undefined;
  let issue: { date: PartialDate; rank: number } | undefined;
  for (const node of nodes) {
    const date = dateFromParts(text(child(node, 'year')), text(child(node, 'month')) ?? text(child(node, 'season')), text(child(node, 'day')));
    if (date === undefined) continue;
    const rank = issueRank(node);
    if (rank === 0) electronicDate ??= date;
    else if (rank !== undefined && (issue === undefined || rank < issue.rank)) issue = { date, rank };
  }
  const result: { electronicDate?: PartialDate; pubDate?: PartialDate } = {};
  assign(result, 'electronicDate', electronicDate);
  assign(result, 'pubDate', issue?.date);
  return result;
}

/** 0 for the electronic publication date, 1-3 for issue dates (lower is better), undefined for others (pmc-release...). */
function issueRank(node: XmlValue): number | undefined {
  const pubType = attr(node, 'pub-type');
  const dateType = attr(node, 'date-type');
  const format = attr(node, 'publication-format');
  if (pubType === 'epub' || (dateType === 'pub' && format === 'electronic')) return 0;
  if (pubType === 'ppub' || pubType === 'epub-ppub' || (dateType === 'pub' && format === 'print')) return 1;
  if (pubType === 'collection' || dateType === 'collection') return 2;
  if (dateType === 'pub') return 3;
  return undefined;
}

/** `fpage-lpage`, `fpage`, or the `elocation-id` of an article without pages. */
function pages(meta: XmlValue): string | undefined {
  const first = text(child(meta, 'fpage'));
  const last = text(child(meta, 'lpage'));
  if (first) return last && last !== first ? `${first}-${last}` : first;
  return text(child(meta, 'elocation-id'));
}

/** Keywords of every `kwd-group`, plain text, each once. */
function keywords(meta: XmlValue): string[] {
  const found = new Set<string>();
  for (const group of children(meta, 'kwd-group')) {
    for (const kwd of children(group, 'kwd')) {
      const keyword = inlineToPlain(rawText(kwd));
      if (keyword) found.add(keyword);
    }
  }
  return [...found];
}

/** ISO 639-1 codes → the MARC codes PubMed writes in `Language`, for the languages PMC mostly holds. */
const LANGUAGES: Readonly<Record<string, string>> = {
  en: 'eng',
  de: 'ger',
  fr: 'fre',
  es: 'spa',
  pt: 'por',
  it: 'ita',
  nl: 'dut',
  zh: 'chi',
  ja: 'jpn',
  ru: 'rus',
  ko: 'kor',
  pl: 'pol',
  tr: 'tur',
  cs: 'cze',
  sv: 'swe',
  da: 'dan',
  no: 'nor',
  fi: 'fin',
};

/** `xml:lang` ("EN", "en", "en-US") → "eng"; absent means English, JATS's default. */
function language(xmlLang: string | undefined): string {
  const code = xmlLang?.trim().toLowerCase().split(/[-_]/)[0];
  if (!code) return 'eng';
  return LANGUAGES[code] ?? code;
}
