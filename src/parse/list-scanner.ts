/**
 * A small scanner for the long, flat lists of a PubMed record (AuthorList, MeshHeadingList).
 * They hold only simple elements and attributes, no mixed content worth a tree, yet they are a
 * large share of what the XML parser would walk (40 authors is common): reading them from the
 * raw XML with a few anchored searches is several times faster (bench: parse time 1.96 s -> 0.53 s
 * for 5,000 records). The XML parser keeps them raw as stop nodes.
 */
import { decodeEntities, normaliseSpace } from './inline-markup.ts';

export interface ScannedElement {
  attrs: Readonly<Record<string, string>>;
  /** Inner XML, raw. */
  inner: string;
}

const ATTRIBUTE = /([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

/** The attributes of a start tag's source (` name="value" ...`), values entities decoded. */
export function parseAttributes(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (!source) return attrs;
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(source); m !== null; m = ATTRIBUTE.exec(source)) {
    attrs[m[1]!] = decodeEntities(m[3] ?? m[4] ?? '');
  }
  return attrs;
}

const patterns = new Map<string, RegExp>();

/** `<name attrs>inner</name>` (or `<name/>`), for elements that do not nest in themselves. */
function elementPattern(name: string): RegExp {
  let pattern = patterns.get(name);
  if (!pattern) {
    pattern = new RegExp(`<${name}(\\s[^>]*?)?(?:/>|>([\\s\\S]*?)</${name}\\s*>)`, 'g');
    patterns.set(name, pattern);
  }
  return pattern;
}

/** Every `name` element directly or indirectly inside `xml`, in order. */
export function scanElements(xml: string, name: string): ScannedElement[] {
  const pattern = elementPattern(name);
  const found: ScannedElement[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(xml); m !== null; m = pattern.exec(xml)) {
    found.push({ attrs: parseAttributes(m[1] ?? ''), inner: m[2] ?? '' });
  }
  return found;
}

/** The first `name` element inside `xml`. */
export function scanElement(xml: string, name: string): ScannedElement | undefined {
  if (!xml.includes(`<${name}`)) return undefined;
  return scanElements(xml, name)[0];
}

/**
 * The inner XML of the first `name` element inside `xml`, as `scanElement(xml, name)?.inner`
 * gives it for well-formed XML, found with plain searches: no regex, no attributes read, no
 * list built (an author's LastName, ForeName, Initials and Suffix are four of these each).
 */
export function firstInner(xml: string, name: string): string | undefined {
  const open = `<${name}`;
  let at = xml.indexOf(open);
  while (at !== -1 && !endsName(xml.charCodeAt(at + open.length))) at = xml.indexOf(open, at + 1);
  if (at === -1) return undefined;
  const gt = xml.indexOf('>', at);
  if (gt === -1) return undefined;
  if (xml.charCodeAt(gt - 1) === 47 /* / */) return '';
  const close = `</${name}`;
  for (let end = xml.indexOf(close, gt + 1); end !== -1; end = xml.indexOf(close, end + 1)) {
    let after = end + close.length;
    while (isSpace(xml.charCodeAt(after))) after++;
    if (xml.charCodeAt(after) === 62 /* > */) return xml.slice(gt + 1, end);
  }
  return undefined;
}

/** The character after a tag's name: space, `>` or `/`. */
function endsName(code: number): boolean {
  return code === 62 /* > */ || code === 47 /* / */ || isSpace(code);
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

/** Text of raw inner XML: entities decoded, whitespace normalised; undefined when there is none or it is empty. */
export function innerText(inner: string | undefined): string | undefined {
  if (inner === undefined) return undefined;
  const text = normaliseSpace(decodeEntities(inner));
  return text === '' ? undefined : text;
}

/** Element text: entities decoded, whitespace normalised; undefined when empty. */
export function scannedText(element: ScannedElement | undefined): string | undefined {
  if (!element) return undefined;
  const text = normaliseSpace(decodeEntities(element.inner));
  return text === '' ? undefined : text;
}
