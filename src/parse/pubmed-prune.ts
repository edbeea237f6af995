/**
 * Removes the parts of a record that no Article field reads, with plain string search, before
 * the XML parser sees it. The parser walks its input character by character, so every byte cut
 * here is time saved: references alone are ~40% of a modern record (NCBI.md), affiliations much
 * of the rest.
 *
 * It also makes the DOI rule structural: once `ReferenceList` is gone, no cited paper's
 * `ArticleId` is left to be mistaken for the article's own.
 */
import type { RawRecord } from './pubmed-split.ts';

/** Elements no Article field needs (PubMed DTD names; none of them holds anything that does). */
const UNUSED = [
  'ReferenceList',
  'History',
  'ObjectList',
  'AffiliationInfo',
  'GrantList',
  'DataBankList',
  'ChemicalList',
  'SupplMeshList',
  'MedlineJournalInfo',
  'DateCompleted',
  'DateRevised',
  'InvestigatorList',
  'CoiStatement',
  'OtherAbstract',
  'GeneralNote',
  'OtherID',
  'CopyrightInformation',
  'GeneSymbolList',
  'PersonalNameSubjectList',
  'Sections',
];

/** Elements that may contain themselves (a ReferenceList can hold ReferenceLists). */
const NESTING: ReadonlySet<string> = new Set(['ReferenceList']);

/** The record with the unused elements cut out; anything malformed is left for the parser to report. */
export function pruneRecord(raw: Pick<RawRecord, 'tag' | 'bytes' | 'xml'>): string {
  if (raw.tag === 'DeleteCitation') return raw.xml;
  if (raw.tag === 'PubmedArticle') {
    const { head, hasData, articleIds } = pruneArticle(raw.bytes);
    if (!hasData) return head;
    return `${head}<PubmedData>${articleIds === undefined ? '' : `<ArticleIdList>${articleIds}</ArticleIdList>`}</PubmedData></PubmedArticle>`;
  }
  return cutUnused(raw.xml);
}

/** A journal article pruned, and its flat lists lifted out for list-scanner.ts (liftLists). */
export interface PrunedArticle {
  /** What the XML parser reads: the record without the unused elements and the lifted lists. */
  xml: string;
  /** Inner XML of the first AuthorList, MeshHeadingList and Abstract, when there is one that closes. */
  authorList?: string;
  meshList?: string;
  abstract?: string;
  /** Inner XML of every KeywordList, in order. */
  keywordLists: string[];
  /** Inner XML of the article's own ArticleIdList (PubmedData's first), when there is one. */
  articleIds?: string;
}

/** pruneRecord and liftLists for a `PubmedArticle` in one go: what parseRecord reads. */
export function prunePubmedArticle(bytes: Buffer): PrunedArticle {
  const { head, hasData, articleIds } = pruneArticle(bytes);
  const lifted = liftLists(hasData ? `${head}</PubmedArticle>` : head);
  return articleIds === undefined ? lifted : { ...lifted, articleIds };
}

/**
 * `PubmedData` is History, PublicationStatus, ArticleIdList, ObjectList, ReferenceList (DTD
 * order): of it only the first `ArticleIdList` is needed, so keep its inner XML and skip the
 * rest, which is mostly references. This works on the record's bytes and decodes only what it
 * keeps: the tags searched for are ASCII, so their byte offsets are character boundaries, and
 * decoding the kept pieces gives the same text as cutting the decoded record (decoding was a
 * quarter of the card time, half of it spent on references). `head` is everything before
 * PubmedData, unused elements cut; the whole record (cut) when there is no PubmedData.
 */
function pruneArticle(bytes: Buffer): { head: string; hasData: boolean; articleIds?: string } {
  const dataStart = bytes.indexOf('<PubmedData');
  if (dataStart === -1) return { head: cutUnused(bytes.toString('utf8')), hasData: false };
  const head = cutUnused(bytes.toString('utf8', 0, dataStart));
  const idsStart = bytes.indexOf('<ArticleIdList', dataStart);
  const referencesStart = bytes.indexOf('<ReferenceList', dataStart);
  // (a Buffer counts a negative offset from the end, a string from 0: only search from a real start)
  const idsEnd = idsStart === -1 ? -1 : bytes.indexOf('</ArticleIdList>', idsStart);
  const ownIds = idsStart !== -1 && idsEnd !== -1 && (referencesStart === -1 || idsStart < referencesStart);
  if (!ownIds) return { head, hasData: true };
  const innerStart = bytes.indexOf('>', idsStart) + 1;
  if (innerStart === 0 || innerStart > idsEnd) return { head, hasData: true };
  return { head, hasData: true, articleIds: bytes.toString('utf8', innerStart, idsEnd) };
}

/**
 * The lists list-scanner.ts reads, lifted out of a pruned journal article in one pass: the
 * first AuthorList, MeshHeadingList and Abstract, and every KeywordList. The XML parser would
 * only walk them character by character to find their end (a third of its time, and the parser
 * costs ~0.1 ms per KB); handing them over directly skips that. An element that does not close
 * is left in place, for the parser to report.
 */
export function liftLists(xml: string): PrunedArticle {
  const result: PrunedArticle = { xml, keywordLists: [] };
  const kept: string[] = [];
  let pos = 0;
  LIFTED_START.lastIndex = 0;
  for (let m = LIFTED_START.exec(xml); m !== null; m = LIFTED_START.exec(xml)) {
    const name = m[1] as LiftedName;
    if (name !== 'KeywordList' && result[LIFTED_FIELD[name]] !== undefined) continue; // only the first of those
    const gt = xml.indexOf('>', m.index);
    if (gt === -1) break;
    let inner = '';
    let end = gt + 1;
    if (xml.charCodeAt(gt - 1) !== 47 /* / */) {
      const close = closeTagPattern(name);
      close.lastIndex = gt + 1;
      const found = close.exec(xml);
      if (!found) continue; // left in place: the parser reports it
      inner = xml.slice(gt + 1, found.index);
      end = found.index + found[0].length;
    }
    if (name === 'KeywordList') result.keywordLists.push(inner);
    else result[LIFTED_FIELD[name]] = inner;
    kept.push(xml.slice(pos, m.index));
    pos = end;
    LIFTED_START.lastIndex = end;
  }
  if (pos > 0) {
    kept.push(xml.slice(pos));
    result.xml = kept.join('');
  }
  return result;
}

type LiftedName = 'AuthorList' | 'MeshHeadingList' | 'Abstract' | 'KeywordList';
const LIFTED_FIELD = { AuthorList: 'authorList', MeshHeadingList: 'meshList', Abstract: 'abstract' } as const;
const LIFTED_START = /<(AuthorList|MeshHeadingList|Abstract|KeywordList)[ \t\r\n>/]/g;

/** Start tags of the unused elements, found in one pass (one `indexOf` per name is several times slower). */
const UNUSED_START = new RegExp(`<(${UNUSED.join('|')})[\\s>/]`, 'g');

/** Cuts every unused element (with its content) out of `xml`. */
export function cutUnused(xml: string): string {
  const kept: string[] = [];
  let pos = 0;
  UNUSED_START.lastIndex = 0;
  for (let m = UNUSED_START.exec(xml); m !== null; m = UNUSED_START.exec(xml)) {
    const end = findElementEnd(xml, m[1] ?? '', m.index);
    if (end === -1) break;
    kept.push(xml.slice(pos, m.index));
    pos = end;
    UNUSED_START.lastIndex = end; // an unused element inside this one went with it
  }
  if (pos === 0) return xml;
  kept.push(xml.slice(pos));
  return kept.join('');
}

/** Index of the next `<name` start tag (not `<nameSuffix`), or -1. */
function findStartTag(xml: string, name: string, from: number): number {
  const open = `<${name}`;
  for (let at = xml.indexOf(open, from); at !== -1; at = xml.indexOf(open, at + 1)) {
    const next = xml.charCodeAt(at + open.length);
    if (next === 62 /* > */ || next === 32 || next === 47 /* / */ || next === 10 || next === 9 || next === 13) return at;
  }
  return -1;
}

/** Index just past the element that starts at `start`, or -1 if it never closes. */
function findElementEnd(xml: string, name: string, start: number): number {
  const gt = xml.indexOf('>', start);
  if (gt === -1) return -1;
  if (xml.charCodeAt(gt - 1) === 47 /* / */) return gt + 1;
  const close = `</${name}>`;
  let depth = 1;
  let pos = gt + 1;
  while (depth > 0) {
    const closeAt = xml.indexOf(close, pos);
    if (closeAt === -1) return -1;
    const openAt = NESTING.has(name) ? findStartTag(xml, name, pos) : -1;
    if (openAt !== -1 && openAt < closeAt) {
      const openEnd = xml.indexOf('>', openAt);
      if (xml.charCodeAt(openEnd - 1) !== 47 /* / */) depth++; // `<ReferenceList/>` opens nothing
      pos = openEnd + 1;
    } else {
      depth--;
      pos = closeAt + close.length;
    }
  }
  return pos;
}

/**
 * Takes the first `name` element out of `xml` and returns its inner XML beside the rest: for the
 * long flat lists (AuthorList, MeshHeadingList) that list-scanner.ts reads from raw text
 * anyway. The XML parser would only walk them character by character to find their end (a
 * third of its time); handing them over directly skips that. An element that does not close
 * is left in place for the parser to report.
 */
export function liftElement(xml: string, name: string): { xml: string; inner?: string } {
  const start = findStartTag(xml, name, 0);
  if (start === -1) return { xml };
  const gt = xml.indexOf('>', start);
  if (gt === -1) return { xml };
  if (xml.charCodeAt(gt - 1) === 47 /* / */) return { xml: xml.slice(0, start) + xml.slice(gt + 1), inner: '' };
  const close = closeTagPattern(name);
  close.lastIndex = gt + 1;
  const end = close.exec(xml);
  if (!end) return { xml };
  return { xml: xml.slice(0, start) + xml.slice(end.index + end[0].length), inner: xml.slice(gt + 1, end.index) };
}

const closeTags = new Map<string, RegExp>();
/** `</name>`, with the space before `>` that XML allows (as the parser accepts it). */
function closeTagPattern(name: string): RegExp {
  let pattern = closeTags.get(name);
  if (!pattern) {
    pattern = new RegExp(`</${name}\\s*>`, 'g');
    closeTags.set(name, pattern);
  }
  return pattern;
}
