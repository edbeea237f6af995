import { parse } from 'parse5';

/** Attributes whose value a browser follows or runs as a URL. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'data', 'background']);
/** Elements that run or embed something; none belongs in a litwatch page or email. */
const ACTIVE_ELEMENTS = new Set(['script', 'iframe', 'object', 'embed', 'frame', 'base', 'meta-refresh']);
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

interface Node {
  nodeName: string;
  tagName?: string;
  value?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Node[];
  content?: Node;
}

/**
 * What in an HTML document could run or mislead, read as a browser reads it (parse5 implements
 * the WHATWG parsing algorithm): script-like elements, `on*` handlers, `javascript:`/`data:`
 * URLs, `<meta http-equiv=refresh>`, and control characters in the source. Empty when safe.
 */
export function unsafeMarkup(source: string): string[] {
  const problems: string[] = [];
  if (CONTROL_CHARACTERS.test(source)) problems.push(`control character U+${source.match(CONTROL_CHARACTERS)![0].charCodeAt(0).toString(16).padStart(4, '0')}`);
  walk(parse(source) as unknown as Node, (node) => {
    if (!node.tagName) return;
    if (ACTIVE_ELEMENTS.has(node.tagName)) problems.push(`<${node.tagName}> element`);
    for (const { name, value } of node.attrs ?? []) {
      if (name.startsWith('on')) problems.push(`${name} handler on <${node.tagName}>`);
      // Browsers drop tabs and newlines inside a URL scheme and ignore leading spaces.
      const scheme = value
        .replace(/[\t\n\r]/g, '')
        .trim()
        .toLowerCase();
      if (URL_ATTRIBUTES.has(name) && /^(?:javascript|vbscript|data):/.test(scheme) && !(node.tagName === 'img' && scheme.startsWith('data:image/')))
        problems.push(`${name}="${value.slice(0, 40)}" on <${node.tagName}>`);
      if (node.tagName === 'meta' && name === 'http-equiv' && value.toLowerCase() === 'refresh') problems.push('<meta http-equiv=refresh>');
    }
  });
  return problems;
}

/** The text a reader sees (every text node, in order), for checking that hostile text shows as text. */
export function visibleText(source: string): string {
  let text = '';
  walk(parse(source) as unknown as Node, (node) => {
    if (node.nodeName === '#text') text += node.value ?? '';
  });
  return text;
}

/** Every attribute value, for checking that hostile text stays inside its quotes. */
export function attributeValues(source: string): string[] {
  const values: string[] = [];
  walk(parse(source) as unknown as Node, (node) => {
    for (const attr of node.attrs ?? []) values.push(attr.value);
  });
  return values;
}

function walk(node: Node, visit: (node: Node) => void): void {
  visit(node);
  for (const child of node.childNodes ?? []) walk(child, visit);
  if (node.content) walk(node.content, visit);
}
