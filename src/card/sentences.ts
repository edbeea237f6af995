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
    if (match[0].startsWith('.') && endsInAbbreviation(text.slice(start, at))) continue;
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

/** True when the text before a `.` ends in an abbreviation, an initial ("J.") or "e.g"/"U.S". */
function endsInAbbreviation(before: string): boolean {
  const word = lastWord(before).replace(/^["'“‘(\[*]+/, '');
  if (/^\p{L}$/u.test(word)) return true;
  if (/^(?:\p{L}\.)+\p{L}$/u.test(word)) return true;
  return ABBREVIATIONS.has(word.toLowerCase());
}

/** The non-whitespace run `text` ends with ('' after whitespace): what `/\S+$/` matches, without a regex scan of the whole text. */
function lastWord(text: string): string {
  let start = text.length;
  while (start > 0 && !WHITESPACE.test(text[start - 1]!)) start--;
  return text.slice(start);
}

const WHITESPACE = /\s/;
