/**
 * The list-shaped parts of a PubMed record (authors, abstract, MeSH, keywords, comments and
 * corrections, article ids), shared by journal articles and book records.
 */
import type { AbstractPart, Author, CommentCorrection, CorrectionKind, MeshHeading } from './article.ts';
import { inlineToCard, inlineToPlain } from './inline-markup.ts';
import { firstInner, innerText, scanElement, scanElements, scannedText, type ScannedElement } from './list-scanner.ts';
import { attr, child, children, rawText, text, type XmlValue } from './xml-tree.ts';

const CORRECTION_KINDS: ReadonlySet<string> = new Set<CorrectionKind>([
  'ErratumIn',
  'ErratumFor',
  'RetractionIn',
  'RetractionOf',
  'UpdateIn',
  'UpdateOf',
  'ExpressionOfConcernIn',
  'ExpressionOfConcernFor',
  'CommentIn',
  'CommentOn',
  // A retracted (or corrected) article republished: the new record points back with ...From.
  'RetractedandRepublishedIn',
  'RetractedandRepublishedFrom',
  'CorrectedandRepublishedIn',
  'CorrectedandRepublishedFrom',
]);

const ORCID_ID = /\d{4}-\d{4}-\d{4}-\d{3}[\dX]/;

/** Authors of one `AuthorList` (kept raw by the parser), in order; `ValidYN="N"` entries are retracted names and dropped. */
export function parseAuthors(list: XmlValue | undefined): Author[] {
  return scanElements(rawText(list), 'Author')
    .filter((node) => node.attrs.ValidYN !== 'N')
    .map(parseAuthor)
    .filter((author): author is Author => author !== undefined);
}

function parseAuthor(node: ScannedElement): Author | undefined {
  const author: Author = {};
  const collective = firstInner(node.inner, 'CollectiveName');
  const collectiveName = collective && inlineToPlain(collective);
  if (collectiveName) author.collectiveName = collectiveName;
  assign(author, 'lastName', innerText(firstInner(node.inner, 'LastName')));
  assign(author, 'foreName', innerText(firstInner(node.inner, 'ForeName')));
  assign(author, 'initials', innerText(firstInner(node.inner, 'Initials')));
  assign(author, 'suffix', innerText(firstInner(node.inner, 'Suffix')));
  assign(author, 'orcid', parseOrcid(node.inner));
  if (node.attrs.EqualContrib === 'Y') author.equalContrib = true;
  return author.lastName || author.collectiveName ? author : undefined;
}

/** ORCID as the bare id `0000-0002-1825-0097`: records write it bare or as an orcid.org URL. */
function parseOrcid(authorXml: string): string | undefined {
  if (!authorXml.includes('<Identifier')) return undefined;
  const identifier = scanElements(authorXml, 'Identifier').find((node) => node.attrs.Source === 'ORCID');
  const value = scannedText(identifier);
  return value ? bareOrcid(value) : undefined;
}

/** `0000-0002-1825-0097` from the bare id or an orcid.org URL; anything else as written. */
export function bareOrcid(value: string): string {
  return ORCID_ID.exec(value)?.[0] ?? value;
}

/** Every `AbstractText` of an `Abstract`, in order, with its label and NLM category. */
export function parseAbstract(abstract: XmlValue | undefined): AbstractPart[] {
  const parts: AbstractPart[] = [];
  for (const node of children(abstract, 'AbstractText')) {
    const part: AbstractPart = { text: inlineToCard(rawText(node)) };
    assign(part, 'label', attr(node, 'Label')?.trim() || undefined);
    assign(part, 'nlmCategory', attr(node, 'NlmCategory'));
    if (part.text || part.label) parts.push(part);
  }
  return parts;
}

/**
 * The same parts from the raw inner XML of an `Abstract` (lifted out before the XML parser, which
 * trims attribute values: so is done here).
 */
export function parseScannedAbstract(abstractXml: string): AbstractPart[] {
  const parts: AbstractPart[] = [];
  const nodes = scanElements(abstractXml, 'AbstractText');
  // An AbstractText that never closes fails the record, as it does in the XML parser
  if (countStartTags(abstractXml, 'AbstractText') !== nodes.length) throw new Error('Unexpected end of AbstractText');
  for (const node of nodes) {
    const part: AbstractPart = { text: inlineToCard(node.inner) };
    assign(part, 'label', node.attrs.Label?.trim() || undefined);
    assign(part, 'nlmCategory', node.attrs.NlmCategory?.trim());
    if (part.text || part.label) parts.push(part);
  }
  return parts;
}

/** Start tags `<name` (not `<nameList`: followed by space, `>` or `/`). */
function countStartTags(xml: string, name: string): number {
  let count = 0;
  const open = `<${name}`;
  for (let at = xml.indexOf(open); at !== -1; at = xml.indexOf(open, at + 1)) {
    const next = xml.charCodeAt(at + open.length);
    if (next === 62 /* > */ || next === 47 /* / */ || next === 32 || next === 10 || next === 9 || next === 13) count++;
  }
  return count;
}

/** MeSH headings of a `MeshHeadingList` (kept raw by the parser). */
export function parseMesh(list: XmlValue | undefined): MeshHeading[] {
  const headings: MeshHeading[] = [];
  for (const heading of scanElements(rawText(list), 'MeshHeading')) {
    const descriptor = scanElement(heading.inner, 'DescriptorName');
    const name = scannedText(descriptor);
    if (!descriptor || !name) continue;
    const qualifiers = scanElements(heading.inner, 'QualifierName').map((q) => ({
      ui: q.attrs.UI ?? '',
      name: scannedText(q) ?? '',
      majorTopic: q.attrs.MajorTopicYN === 'Y',
    }));
    const majorTopic = descriptor.attrs.MajorTopicYN === 'Y' || qualifiers.some((q) => q.majorTopic);
    headings.push({ ui: descriptor.attrs.UI ?? '', name, majorTopic, qualifiers });
  }
  return headings;
}

/** Keywords of every `KeywordList` (all owners), plain text, each once. */
export function parseKeywords(lists: XmlValue[]): string[] {
  const keywords = new Set<string>();
  for (const list of lists) {
    for (const node of children(list, 'Keyword')) {
      const keyword = inlineToPlain(rawText(node));
      if (keyword) keywords.add(keyword);
    }
  }
  return [...keywords];
}

/**
 * The same keywords from the raw inner XML of each `KeywordList` (lifted out before the XML
 * parser). A Keyword that never closes fails the record, as it does in the XML parser.
 */
export function parseScannedKeywords(listsXml: readonly string[]): string[] {
  const keywords = new Set<string>();
  for (const listXml of listsXml) {
    const nodes = scanElements(listXml, 'Keyword');
    if (countStartTags(listXml, 'Keyword') !== nodes.length) throw new Error('Unexpected end of Keyword');
    for (const node of nodes) {
      const keyword = inlineToPlain(node.inner);
      if (keyword) keywords.add(keyword);
    }
  }
  return [...keywords];
}

/** The `ArticleId`s of an `ArticleIdList`'s raw inner XML; one that never closes fails the record, as in the XML parser. */
export function scanArticleIds(listXml: string): ScannedElement[] {
  const nodes = scanElements(listXml, 'ArticleId');
  if (countStartTags(listXml, 'ArticleId') !== nodes.length) throw new Error('Unexpected end of ArticleId');
  return nodes;
}

/** The value of the first scanned `ArticleId` of that `IdType` (trimmed, as the XML parser trims attributes). */
export function scannedArticleId(ids: readonly ScannedElement[], idType: string): string | undefined {
  return scannedText(ids.find((node) => node.attrs.IdType?.trim() === idType));
}

/** The CommentsCorrections kinds litwatch acts on; `Cites` and the like are dropped. */
export function parseComments(list: XmlValue | undefined): CommentCorrection[] {
  const comments: CommentCorrection[] = [];
  for (const node of children(list, 'CommentsCorrections')) {
    const kind = attr(node, 'RefType');
    if (kind === undefined || !CORRECTION_KINDS.has(kind)) continue;
    const comment: CommentCorrection = { kind: kind as CorrectionKind, source: text(child(node, 'RefSource')) ?? '' };
    assign(comment, 'pmid', text(child(node, 'PMID')));
    comments.push(comment);
  }
  return comments;
}

/** The value of the first `ArticleId` of that `IdType` in one `ArticleIdList`. */
export function articleId(list: XmlValue | undefined, idType: string): string | undefined {
  return text(children(list, 'ArticleId').find((node) => attr(node, 'IdType') === idType));
}

/** The first valid `ELocationID` of that `EIdType` among `nodes`. */
export function eLocationId(nodes: XmlValue[], eIdType: string): string | undefined {
  const node = nodes.find((n) => attr(n, 'EIdType') === eIdType && attr(n, 'ValidYN') !== 'N');
  return text(node);
}

/** `PMC1234567` from "PMC1234567" or a bare "1234567". */
export function normalisePmcid(value: string | undefined): string | undefined {
  const digits = value?.trim().replace(/^PMC/i, '');
  return digits && /^\d+$/.test(digits) ? `PMC${digits}` : undefined;
}

/** Sets an optional property only when there is a value, so absent fields stay absent (not `undefined`). */
export function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
