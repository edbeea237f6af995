/**
 * Sentence splitting for extractive summaries. Every sentence returned is a verbatim slice of
 * the (whitespace-collapsed) input, so summaries can only ever quote the abstract.
 *
 * A boundary is `.`, `!` or `?` (plus closing quotes, brackets or an italic's closing `*`),
 * then whitespace, then something a sentence starts with: a capital, a digit, a Greek letter,
 * a gene-style token such as `mRNA` or `p53`, optionally behind opening punctuation, `*` or
 * `<sup>`/`<sub>`. Because whitespace must follow, decimals ("1.5", "P<0.001") never split.
 * A `.` after a known abbreviation or an initial is not a boundary; the cost is that a
 * sentence ending in a lone capital ("vitamin D.") joins the next one: a longer quote, never
 * a wrong one.
 */
const BOUNDARY = /[.!?]+["'”’)\]*]*\s+(?=["'“‘(\[*]*(?:<su[pb]>)?(?:[\p{Lu}\p{N}\p{Script=Greek}]|\p{Ll}+[\p{Lu}\p{N}]))/gu;

/** Lower-cased words that end in a `.` mid-sentence ("et al.", "Fig. 1", "vs.", "No. 3"). */
const ABBREVIATIONS = new Set([
  'al',
  'approx',
  'ca',
  'cf',
  'co',
  'corp',
  'dr',
  'eq',
  'eqs',
  'fig',
  'figs',
  'inc',
  'jr',
  'ltd',
  'mr',
  'mrs',
  'ms',
  'no',
  'nos',
  'prof',
  'ref',
  'refs',
  'resp',
  'sr',
  'st',
  'vol',
  'vs',
]);

export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of text.matchAll(BOUNDARY)) {
    const at = match.index;
    if (match[0].startsWith('.') && endsInAbbreviation(lastWord(text, start, at))) continue;
    const terminatorLength = match[0].trimEnd().length;
    pushSentence(sentences, text.slice(start, at + terminatorLength));
    start = at + match[0].length;
  }
  pushSentence(sentences, text.slice(start));
  return sentences;
}

function pushSentence(sentences: string[], candidate: string): void {
  const sentence = candidate.trim();
  if (sentence !== '') sentences.push(sentence);
}

/** True when the word before a `.` is an abbreviation, an initial ("J.") or "e.g"/"U.S". */
function endsInAbbreviation(last: string): boolean {
  const word = last.replace(/^["'“‘(\[*]+/, '');
  if (/^\p{L}$/u.test(word)) return true;
  if (/^(?:\p{L}\.)+\p{L}$/u.test(word)) return true;
  return ABBREVIATIONS.has(word.toLowerCase());
}

/**
 * The non-whitespace run that `text.slice(from, to)` ends with ('' after whitespace): what
 * `/\S+$/` matches in it, without slicing the sentence or a regex scan of it.
 */
function lastWord(text: string, from: number, to: number): string {
  let start = to;
  while (start > from && !isWhitespace(text.charCodeAt(start - 1))) start--;
  return text.slice(start, to);
}

/** What `\s` matches in a JavaScript regex, by UTF-16 code unit. */
function isWhitespace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}
