/**
 * Typed access to fast-xml-parser's output for one PubMed record.
 *
 * The parser is configured to do as little as possible (NCBI.md: parsing less is what makes it
 * fast): no entity decoding (done here, only on the strings actually read), no number
 * conversion (a PMID or an ISSN is text), no jPath strings built for callbacks, and the text
 * elements that carry inline markup kept raw as stop nodes for inline-markup.ts.
 */
import { createRequire } from 'node:module';
import { decodeEntities, normaliseSpace } from './inline-markup.ts';

// fast-xml-parser's CommonJS build is the same release bundled into one file: it loads in ~10 ms
// where its ES modules (40 files, with the builder and validator this never uses) took 50-70 ms
// of every `litwatch card` start, and again in each card worker.
const { XMLParser } = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');

/** What fast-xml-parser produces with the options below: strings, elements, and arrays of repeats. */
export type XmlValue = string | XmlElement | XmlValue[];
export interface XmlElement {
  [name: string]: XmlValue | undefined;
}

const ATTR = '@';
const TEXT = '#text';

/**
 * Elements of a PubMed record whose inner XML stays raw: the text ones may hold `<i>`, `<sup>`,
 * MathML... in mixed content; the long flat lists are read by list-scanner.ts, faster than a tree.
 */
const PUBMED_RAW_ELEMENTS = ['ArticleTitle', 'VernacularTitle', 'AbstractText', 'BookTitle', 'CollectiveName', 'Keyword', 'AuthorList', 'MeshHeadingList'];

/** A parser with the options above that keeps the inner XML of every `rawElements` element raw (stop nodes). */
export function xmlTreeParser(rawElements: readonly string[]): (xml: string) => XmlElement {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: ATTR,
    textNodeName: TEXT,
    parseTagValue: false,
    processEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    jPath: false,
    stopNodes: rawElements.map((name) => `..${name}`),
  });
  return (xml) => {
    const tree: unknown = parser.parse(xml);
    if (!isElement(tree)) throw new Error('XML parser returned no element tree');
    return tree;
  };
}

/** Parses one PubMed record's XML into a tree. */
export const parseXmlTree = xmlTreeParser(PUBMED_RAW_ELEMENTS);

/** The same, as a set: simple-tree.ts keeps these raw too. */
export const PUBMED_RAW_SET: ReadonlySet<string> = new Set(PUBMED_RAW_ELEMENTS);

function isElement(value: unknown): value is XmlElement {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every `name` child of `parent` (one child comes back as a value, repeats as an array). */
export function children(parent: XmlValue | undefined, name: string): XmlValue[] {
  if (!isElement(parent)) return [];
  const value = parent[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The first `name` child of `parent`. */
export function child(parent: XmlValue | undefined, name: string): XmlValue | undefined {
  return children(parent, name)[0];
}

/** Follows a path of first children: `path(article, 'Journal', 'JournalIssue')`. */
export function path(start: XmlValue | undefined, ...names: string[]): XmlValue | undefined {
  let node = start;
  for (const name of names) node = child(node, name);
  return node;
}

/** An element's own text as the parser left it (raw for stop nodes, entities not decoded). */
export function rawText(node: XmlValue | undefined): string {
  if (typeof node === 'string') return node;
  if (!isElement(node)) return '';
  const text = node[TEXT];
  return typeof text === 'string' ? text : '';
}

/** An element's text, entities decoded and whitespace normalised; undefined when empty. */
export function text(node: XmlValue | undefined): string | undefined {
  const value = normaliseSpace(decodeEntities(rawText(node)));
  return value === '' ? undefined : value;
}

/** An attribute value, entities decoded; undefined when absent. */
export function attr(node: XmlValue | undefined, name: string): string | undefined {
  if (!isElement(node)) return undefined;
  const value = node[ATTR + name];
  return typeof value === 'string' ? decodeEntities(value) : undefined;
}
