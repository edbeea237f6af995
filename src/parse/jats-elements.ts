/**
 * Finds elements in raw JATS by their tags, without building a tree.
 *
 * A full text's body and back matter are most of its bytes, and litwatch needs only a few
 * things from them: paragraphs as plain text, figure and table captions, a count of references.
 * Walking the tags with one regular expression and slicing the raw XML is several times cheaper
 * than having the XML parser build objects for every `<xref>` and `<td>`, and it keeps mixed
 * content in order, which a fast-xml-parser tree does not.
 */
import { inlineToCard, inlineToPlain } from './inline-markup.ts';
import { parseAttributes } from './list-scanner.ts';

export interface JatsElement {
  name: string;
  attrs: Readonly<Record<string, string>>;
  /** Inner XML, raw ('' for a self-closed element). */
  inner: string;
  /** Index of the start tag in the XML that was searched. */
  start: number;
  /** Index just past the end tag. */
  end: number;
}

const patterns = new Map<string, RegExp>();

/** Start, end and self-closed tags of the given names (`<p` does not match `<permissions`). */
function tagPattern(names: readonly string[]): RegExp {
  const key = names.join('|');
  let pattern = patterns.get(key);
  if (!pattern) {
    pattern = new RegExp(`<(/?)(${key})(\\s[^>]*?)?(/?)>`, 'g');
    patterns.set(key, pattern);
  }
  return pattern;
}

/**
 * The outermost elements named `names` in `xml`, in document order. Nesting is followed (a
 * `<sec>` in a `<sec>` is part of the outer one), so what is found is never inside another
 * found element; an element left unclosed is not returned.
 */
export function findElements(xml: string, names: readonly string[]): JatsElement[] {
  const found: JatsElement[] = [];
  let open: { name: string; attrs: string; start: number; innerStart: number } | undefined;
  let depth = 0;
  for (const m of xml.matchAll(tagPattern(names))) {
    const [tag, endMark, name = '', attrs = '', selfClosed] = m;
    if (open === undefined) {
      if (endMark) continue; // a stray end tag
      if (selfClosed) {
        found.push(element(name, attrs, '', m.index, m.index + tag.length));
      } else {
        open = { name, attrs, start: m.index, innerStart: m.index + tag.length };
        depth = 1;
      }
    } else if (name === open.name && !selfClosed) {
      depth += endMark ? -1 : 1;
      if (depth === 0) {
        found.push(element(name, open.attrs, xml.slice(open.innerStart, m.index), open.start, m.index + tag.length));
        open = undefined;
      }
    }
  }
  return found;
}

function element(name: string, attrs: string, inner: string, start: number, end: number): JatsElement {
  return { name, attrs: parseAttributes(attrs), inner, start, end };
}

/** The first outermost element named `name`. */
export function findElement(xml: string, name: string): JatsElement | undefined {
  return xml.includes(`<${name}`) ? findElements(xml, [name])[0] : undefined;
}

/** `xml` without the outermost `names` elements; each cut leaves a space so words stay apart. */
export function cutElements(xml: string, names: readonly string[]): string {
  const cuts = findElements(xml, names);
  if (cuts.length === 0) return xml;
  const kept: string[] = [];
  let pos = 0;
  for (const cut of cuts) {
    kept.push(xml.slice(pos, cut.start));
    pos = cut.end;
  }
  kept.push(xml.slice(pos));
  return kept.join(' ');
}

/**
 * Tags that end a line of text: without a space in their place, the items of a list inside a
 * paragraph, or a title and the paragraph after it, would run together ("itemsone" + "two").
 */
const BLOCK_TAG = /<\/?(?:p|title|label|caption|list|list-item|def-list|def-item|term|def|disp-quote|break|table|tr|td|th)(?:\s[^>]*?)?\/?>/g;

function spaceBlocks(raw: string): string {
  return raw.includes('<') ? raw.replace(BLOCK_TAG, ' ') : raw;
}

/** A citation mark, with the superscript that often wraps it. */
const CITATION_START = /(?:<sup>\s*)?<xref\b[^>]*ref-type=["']bibr["']/g;

/**
 * Superscript citation marks (`cancer<sup><xref ref-type="bibr">12</xref></sup>`) would glue
 * their numbers to the word before ("cancer12") and hide it from the entity tagger: plain text
 * sets citations apart ("cancer 12"), while `Ca<sup>2+</sup>` stays "Ca2+".
 */
export function blockToPlain(raw: string): string {
  const apart = raw.includes('bibr') ? raw.replace(CITATION_START, ' $&') : raw;
  return inlineToPlain(spaceBlocks(apart));
}

/** Raw XML of a block → card inline form (CARD.md), words of nested blocks kept apart. */
export function blockToCard(raw: string): string {
  return inlineToCard(spaceBlocks(raw));
}
