/**
 * The tree fast-xml-parser builds (with xml-tree.ts's options) for the plain XML that is left of
 * a pruned PubMed record head, built with a few searches per tag instead of the parser's walk
 * over every character: about 1.4 KB a record, read 4-5 times faster (bench/card-stages.ts).
 *
 * Plain means: elements, attributes as `name="value"` or `name='value'`, and text. Anything
 * else (a comment, CDATA, a processing instruction, a tag that does not close or closes out of
 * order, an attribute this does not read, a stop node holding its own name, text outside the
 * root) gives undefined, and the caller hands the XML to fast-xml-parser, which then answers
 * (or reports the error) exactly as before. test/unit/simple-tree.test.ts checks that every tree
 * this builds equals the parser's, over recorded and generated records.
 *
 * The parser's rules it keeps: text is trimmed piece by piece and the pieces joined; an element
 * with neither attributes nor children is its text (`''` when empty); otherwise an object with
 * `@name` attributes, children by name (an array once a name repeats) and `#text` when there is
 * text; entities stay as written; a stop node's inner XML is kept raw, untrimmed.
 */
import type { XmlElement, XmlValue } from './xml-tree.ts';

const INHERITED: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

interface Open {
  name: string;
  node: XmlElement;
  text: string;
  /** Attributes or children: the element is an object, not its text. */
  structured: boolean;
}

/** The tree of `xml`, or undefined when it is not plain XML as above. */
export function scanSimpleTree(xml: string, stopNames: ReadonlySet<string>): XmlElement | undefined {
  const root: Open = { name: '', node: {}, text: '', structured: true };
  const stack: Open[] = [root];
  let top = root;
  let pos = 0;
  let rootSeen = false;
  for (;;) {
    const lt = xml.indexOf('<', pos);
    const textEnd = lt === -1 ? xml.length : lt;
    if (textEnd > pos) {
      const piece = xml.slice(pos, textEnd).trim();
      if (piece !== '') {
        if (top === root) return undefined;
        top.text += piece;
      }
    }
    if (lt === -1) break;
    const next = xml.charCodeAt(lt + 1);
    if (next === 47 /* / */) {
      // </name>, with the spaces XML allows before '>'
      const gt = xml.indexOf('>', lt);
      if (gt === -1 || top === root || xml.slice(lt + 2, gt).trimEnd() !== top.name) return undefined;
      stack.pop();
      const parent = stack[stack.length - 1]!;
      addChild(parent, top.name, closedValue(top));
      top = parent;
      pos = gt + 1;
      continue;
    }
    const nameEnd = endOfName(xml, lt + 1);
    if (nameEnd === lt + 1) return undefined; // '<!', '<?', '< ' and the like
    const name = xml.slice(lt + 1, nameEnd);
    if (INHERITED.has(name)) return undefined; // `constructor`, `__proto__`...: not plain keys of an object
    const tag = readAttributes(xml, nameEnd);
    if (tag === undefined) return undefined;
    if (top === root) {
      if (rootSeen) return undefined; // a second root
      rootSeen = true;
    }
    if (tag.selfClosing) {
      addChild(top, name, tag.attrs ?? '');
      pos = tag.end;
      continue;
    }
    if (stopNames.has(name)) {
      const close = closeTag(xml, name, tag.end);
      if (close === undefined) return undefined;
      const inner = xml.slice(tag.end, close.start);
      if (inner.includes(`<${name}`)) return undefined; // nested: the parser's counting decides
      let value: XmlValue = inner;
      if (tag.attrs) {
        value = tag.attrs;
        if (inner !== '') value['#text'] = inner;
      }
      addChild(top, name, value);
      pos = close.end;
      continue;
    }
    top = { name, node: tag.attrs ?? {}, text: '', structured: tag.attrs !== undefined };
    stack.push(top);
    pos = tag.end;
  }
  return stack.length === 1 && rootSeen ? root.node : undefined; // every element closed, and there was one
}

function closedValue(open: Open): XmlValue {
  if (!open.structured) return open.text;
  if (open.text !== '') open.node['#text'] = open.text;
  return open.node;
}

function addChild(parent: Open, name: string, value: XmlValue): void {
  parent.structured = true;
  const existing = parent.node[name];
  if (existing === undefined) parent.node[name] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else parent.node[name] = [existing, value];
}

/** Index just past a tag name starting at `from` (letters, digits, `_ : . -`). */
function endOfName(xml: string, from: number): number {
  let at = from;
  for (;;) {
    const c = xml.charCodeAt(at);
    const nameChar =
      (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57 && at > from) || c === 95 || c === 58 || ((c === 46 || c === 45) && at > from);
    if (!nameChar) return at;
    at++;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

/**
 * The attributes of a start tag from just after its name: `@name` keys, values as written, or
 * undefined for a tag without any. `end` is just past the tag's '>'. Undefined for anything
 * but plain attributes.
 */
function readAttributes(xml: string, from: number): { attrs?: XmlElement; selfClosing: boolean; end: number } | undefined {
  let attrs: XmlElement | undefined;
  let at = from;
  for (;;) {
    const before = at;
    while (isSpace(xml.charCodeAt(at))) at++;
    const c = xml.charCodeAt(at);
    if (c === 62 /* > */) return { attrs, selfClosing: false, end: at + 1 };
    if (c === 47 /* / */) return xml.charCodeAt(at + 1) === 62 ? { attrs, selfClosing: true, end: at + 2 } : undefined;
    if (at === before) return undefined; // attributes are separated by spaces
    const nameEnd = endOfName(xml, at);
    if (nameEnd === at) return undefined;
    const name = xml.slice(at, nameEnd);
    at = nameEnd;
    while (isSpace(xml.charCodeAt(at))) at++;
    if (xml.charCodeAt(at) !== 61 /* = */) return undefined;
    at++;
    while (isSpace(xml.charCodeAt(at))) at++;
    const quote = xml.charCodeAt(at);
    if (quote !== 34 /* " */ && quote !== 39 /* ' */) return undefined;
    const valueEnd = xml.indexOf(quote === 34 ? '"' : "'", at + 1);
    if (valueEnd === -1) return undefined;
    attrs ??= {};
    attrs[`@${name}`] = xml.slice(at + 1, valueEnd);
    at = valueEnd + 1;
  }
}

/** The `</name>` (spaces allowed before '>') that closes a stop node whose inner XML starts at `from`. */
function closeTag(xml: string, name: string, from: number): { start: number; end: number } | undefined {
  const close = `</${name}`;
  for (let start = xml.indexOf(close, from); start !== -1; start = xml.indexOf(close, start + 1)) {
    let after = start + close.length;
    while (isSpace(xml.charCodeAt(after))) after++;
    if (xml.charCodeAt(after) === 62 /* > */) return { start, end: after + 1 };
  }
  return undefined;
}
