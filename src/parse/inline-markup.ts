/**
 * Raw inner XML of a PubMed text element (ArticleTitle, AbstractText, ...) → text.
 *
 * The parser keeps these elements raw (fast-xml-parser stop nodes) so the inline tags survive in
 * place; this module turns them into the card's inline form (CARD.md): `<i>`/`<italic>` become
 * `*...*`, `<sup>`/`<sub>` stay as those two tags, every other tag (`<b>`, `<u>`, MathML...) goes
 * and its text stays, entities are decoded, and only then is a `<` that would open a tag in the
 * decoded text written `&lt;`. Doing it in that order is what keeps "P&lt;0.001" whole while a
 * title that mentions `&lt;script&gt;` can never become markup.
 */
import { escapeTagOpeners } from '../text/escape-tag-openers.ts';
import { wellFormed } from '../text/well-formed.ts';

/** A tag in well-formed raw XML (text `<` is always `&lt;` there): end mark, name, self-closing mark. */
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)(?:\s[^>]*?)?(\/?)>/g;
const ENTITY = /&(#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot|apos);/g;
const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/** A whitespace run holding at least one XML space (and any Unicode spaces next to it). */
const XML_SPACE_RUN = /\s*[ \t\r\n]\s*/g;
const NEEDS_COLLAPSE = /[\t\r\n]|\s\s/;

/**
 * Decodes the five XML entities and numeric character references; anything else stays as written.
 * A reference may name what no XML text may hold (`&#xD800;`, `&#1;`): the decoded text is made
 * well-formed, so a lone surrogate or a control character never leaves the parsers.
 */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return wellFormed(
    text.replace(ENTITY, (whole, ref: string) => {
      if (ref[0] !== '#') return NAMED_ENTITIES[ref] ?? whole;
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }),
  );
}

/**
 * Collapses each run of whitespace that holds XML whitespace (space, tab, CR, LF) to one space
 * and trims. A lone no-break or thin space written as `&#xa0;` / `&#x2009;` is content (as in
 * "75&#xa0;år") and is kept.
 */
export function normaliseSpace(text: string): string {
  // Most text has only single spaces: skip the replace (it runs per field, per record)
  if (!NEEDS_COLLAPSE.test(text)) return text.trim();
  return text.replace(XML_SPACE_RUN, ' ').trim();
}

/** Raw inner XML → card inline form (see the module comment). */
export function inlineToCard(raw: string): string {
  if (!raw.includes('<') && !raw.includes('&')) return normaliseSpace(raw);
  return normaliseSpace(new CardWriter().write(withoutCommentsAndCdata(raw)));
}

/** Raw inner XML → plain text: every tag removed with its text kept, entities decoded. */
export function inlineToPlain(raw: string): string {
  const text = raw.includes('<') ? withoutCommentsAndCdata(raw).replace(TAG, '') : raw;
  return normaliseSpace(decodeEntities(text));
}

/** Comments go; a CDATA section's text is re-escaped so the tag scanner cannot mistake it. */
export function withoutCommentsAndCdata(raw: string): string {
  if (!raw.includes('<!')) return raw;
  return raw.replace(/<!--[\s\S]*?-->/g, '').replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;'));
}

/** Walks the tags once, building the output; keeps italics and sup/sub balanced. */
class CardWriter {
  #out: string[] = [];
  /** Raw text not yet written: see #flush. */
  #pending: string[] = [];
  /** Output index where the outermost open italic started; nested italics are flattened into it. */
  #italicStart = -1;
  #italicDepth = 0;
  #openScripts: ('sup' | 'sub')[] = [];
  #mathDepth = 0;
  /** The last start tag seen, '' after an end tag: tells an <mtext>'s own text from layout. */
  #lastOpened = '';

  write(raw: string): string {
    let last = 0;
    for (const m of raw.matchAll(TAG)) {
      this.#text(raw.slice(last, m.index));
      last = m.index + m[0].length;
      if (m[3] !== '/') this.#tag(localName(m[2] ?? ''), m[1] === '/');
    }
    this.#text(raw.slice(last));
    while (this.#italicDepth > 0) this.#tag('i', true);
    while (this.#openScripts.length > 0) this.#tag(this.#openScripts[this.#openScripts.length - 1] ?? 'sup', true);
    this.#flush();
    return this.#out.join('');
  }

  #text(raw: string): void {
    if (!raw) return;
    // Whitespace between MathML elements is layout, not content ("V . O 2 m a x" otherwise);
    // an <mtext> keeps what it says.
    if (this.#mathDepth > 0 && this.#lastOpened !== 'mtext' && raw.trim() === '') return;
    this.#pending.push(raw);
  }

  /**
   * Writes the text gathered since the last kept tag. Text on both sides of a removed tag is
   * escaped as one piece: "&lt;<b>script</b>&gt;" must not come out as a tag opener either.
   */
  #flush(): void {
    if (this.#pending.length === 0) return;
    this.#out.push(escapeTagOpeners(decodeEntities(this.#pending.join(''))));
    this.#pending = [];
  }

  #tag(name: string, closing: boolean): void {
    this.#lastOpened = closing ? '' : name;
    if (name === 'math') this.#mathDepth = Math.max(0, this.#mathDepth + (closing ? -1 : 1));
    else if (name === 'i' || name === 'italic') this.#italic(closing);
    else if (name === 'sup' || name === 'sub') this.#script(name, closing);
    // every other tag (b, u, MathML, ...) is dropped; its text is written by #text
  }

  #italic(closing: boolean): void {
    this.#flush();
    if (!closing) {
      if (this.#italicDepth++ === 0) this.#italicStart = this.#out.length;
      return;
    }
    if (this.#italicDepth === 0 || --this.#italicDepth > 0) return;
    const inner = this.#out.splice(this.#italicStart).join('');
    // `* word*` is not emphasis in Markdown: keep the spaces outside the markers
    const [, lead = '', body = '', trail = ''] = /^(\s*)([\s\S]*?)(\s*)$/.exec(inner) ?? [];
    this.#out.push(body ? `${lead}*${body}*${trail}` : inner);
  }

  #script(name: 'sup' | 'sub', closing: boolean): void {
    this.#flush();
    if (!closing) {
      this.#openScripts.push(name);
      this.#out.push(`<${name}>`);
      return;
    }
    const at = this.#openScripts.lastIndexOf(name);
    if (at === -1) return; // a stray end tag would leave unbalanced HTML
    for (const open of this.#openScripts.splice(at).reverse()) this.#out.push(`</${open}>`);
  }
}

/** `mml:math` → `math`: a namespace prefix does not change what the tag is. */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return (colon === -1 ? name : name.slice(colon + 1)).toLowerCase();
}
