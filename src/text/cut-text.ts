/**
 * Cutting record text down to a shown size. What is shown ends with a mark saying how much was
 * left out, so a cut view is never mistaken for the record (which the store keeps whole).
 * Lengths are counted in characters (code points), so a surrogate pair is one character and
 * never split in two: half a pair is an unpaired surrogate, which PostgreSQL's jsonb refuses
 * and a mail client shows as garbage.
 */

/** `… [cut: 4,998,000 more characters]`: the ellipsis ends the shown part, the bracket says what is missing. */
export function cutMark(more: number, unit = 'characters'): string {
  return `… [cut: ${more.toLocaleString('en-US')} more ${unit}]`;
}

/**
 * The text's first `max` characters then the mark, or the text itself when it is no longer.
 *
 * @param alsoCut characters left out after this text (later abstract parts), added to the count the mark gives.
 */
export function cutText(text: string, max: number, alsoCut = 0): string {
  const end = codePointIndex(text, max);
  if (end === undefined) return alsoCut > 0 ? `${text}${cutMark(alsoCut)}` : text;
  return `${text.slice(0, end).trimEnd()}${cutMark(codePointLength(text, end) + alsoCut)}`;
}

/** Record text in card inline form (CARD.md): the cut never leaves half a tag or half an `&lt;`, and closes the `<sup>`/`<sub>` it cut inside. */
export function cutInline(text: string, max: number, alsoCut = 0): string {
  const end = codePointIndex(text, max);
  if (end === undefined) return alsoCut > 0 ? `${text}${cutMark(alsoCut)}` : text;
  let head = text.slice(0, end);
  const partial = PARTIAL_MARKUP.exec(head);
  if (partial) head = head.slice(0, partial.index);
  return `${head.trimEnd()}${closeScripts(head)}${cutMark(codePointLength(text, head.length) + alsoCut)}`;
}

/** How many characters (code points) `text` has from `from` on. */
export function codePointLength(text: string, from = 0): number {
  let count = 0;
  for (let i = from; i < text.length; i++) {
    count++;
    if (isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1))) i++;
  }
  return count;
}

/** The UTF-16 index where the `max`-th character ends, or undefined when the text has no more than `max`. */
function codePointIndex(text: string, max: number): number | undefined {
  // A string no longer than max UTF-16 units has no more than max characters.
  if (text.length <= max) return undefined;
  let index = 0;
  for (let count = 0; count < max; count++) index += isHigh(text.charCodeAt(index)) && isLow(text.charCodeAt(index + 1)) ? 2 : 1;
  return index < text.length ? index : undefined;
}

const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** A `<sup>`/`</sub>` or `&lt;` the cut went through: dropped whole rather than shown in half. */
const PARTIAL_MARKUP = /(?:<\/?[a-z]{0,3}|&[a-z]{0,2})$/;
const SCRIPT_TAG = /<(\/?)(sup|sub)>/g;

/** End tags for the `<sup>`/`<sub>` still open at the end of `head`, innermost first. */
function closeScripts(head: string): string {
  const open: string[] = [];
  for (const [, end, name = ''] of head.matchAll(SCRIPT_TAG)) {
    if (!end) open.push(name);
    else if (open.includes(name)) open.splice(open.lastIndexOf(name));
  }
  return open
    .reverse()
    .map((name) => `</${name}>`)
    .join('');
}
