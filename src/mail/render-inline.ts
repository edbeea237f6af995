/**
 * Card inline form (CARD.md: `*italic*`, `<sup>`/`<sub>` as tags, a tag-opening `<` written
 * `&lt;`, everything else as written) to the two forms an email needs. Card text is converted
 * here and nowhere else; plain strings (watch names, disease labels) are escaped by the
 * templates' `{{ }}`.
 */

/**
 * An italic span, read as Markdown reads `*`: the opening star is followed by a non-space and
 * the closing one preceded by one, so `2 * 3` and a lone `P*` stay literal. The span holds no
 * star, so each closing star pairs with the nearest opening one: in `2*3 and *BRCA1*` only
 * `BRCA1` is italic.
 */
const ITALIC = /\*(?=[^\s*])([^*\n]*?[^\s*])\*/g;
const SCRIPT_TAG = /<(\/?)(sup|sub)>/g;
const ESCAPED_TAG_OPENER = '&lt;';
const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Card inline text as an HTML fragment: italics as `<i>`, sup/sub kept balanced, all other text escaped. */
export function cardInlineToHtml(text: string): string {
  return replaceItalics(text, (inner) => `<i>${scriptsToHtml(inner)}</i>`, scriptsToHtml);
}

/** Card inline text as plain text: no stars, no tags (`Ca<sup>2+</sup>` reads `Ca2+`), `&lt;` as `<`. */
export function cardInlineToText(text: string): string {
  const plain = (part: string) => part.replace(SCRIPT_TAG, '').replaceAll(ESCAPED_TAG_OPENER, '<');
  return replaceItalics(text, plain, plain);
}

/** Escapes text for HTML element content and quoted attribute values. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Writes italic spans with `italic` and the text between them with `other`. */
function replaceItalics(text: string, italic: (inner: string) => string, other: (part: string) => string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(ITALIC)) {
    out += other(text.slice(last, m.index)) + italic(m[1]!);
    last = m.index + m[0].length;
  }
  return out + other(text.slice(last));
}

/**
 * Escapes a piece of text, keeping `<sup>`/`<sub>` as tags. Tags are balanced within the piece
 * (a stray end tag is dropped, an unclosed one closed at the end), so a misnested or truncated
 * field (a model-written summary, say) cannot leave the rest of the email in superscript or
 * break out of the `<i>` around it.
 */
function scriptsToHtml(text: string): string {
  const open: string[] = [];
  let out = '';
  let last = 0;
  for (const m of text.matchAll(SCRIPT_TAG)) {
    out += escapeCardText(text.slice(last, m.index));
    last = m.index + m[0].length;
    const [, end, name = ''] = m;
    if (!end) {
      open.push(name);
      out += `<${name}>`;
    } else if (open.includes(name)) {
      out += open
        .splice(open.lastIndexOf(name))
        .reverse()
        .map((tag) => `</${tag}>`)
        .join('');
    }
  }
  out += escapeCardText(text.slice(last));
  return (
    out +
    open
      .reverse()
      .map((tag) => `</${tag}>`)
      .join('')
  );
}

/** `&lt;` is the card's one escape: it shows as `<`, so it stays `&lt;`; everything else is escaped. */
function escapeCardText(text: string): string {
  return text.split(ESCAPED_TAG_OPENER).map(escapeHtml).join(ESCAPED_TAG_OPENER);
}
