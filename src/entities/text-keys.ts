/**
 * Words → lookup keys, the one normalisation shared by the dictionary (vocabulary names) and
 * the tagger (article text), so a name and its mention meet whatever their spelling:
 * case folded, diacritics dropped, British spellings made American, plurals folded.
 * Punctuation between words is kept as a separator class, so that a phrase never matches
 * across a sentence or clause boundary ("…in the breast. Cancer cells…").
 */

/** What lies between a token and the one before it. Hyphens, slashes and spaces are 'none'. */
export type Separator = 'none' | 'comma' | 'break';

export interface Token {
  /** Character span in the text it came from. */
  start: number;
  end: number;
  /** As written. */
  raw: string;
  /** Normalised (see tokenKey). */
  key: string;
  before: Separator;
}

const WORD = /[\p{L}\p{N}]+/gu;
const HARD_BREAK = /[;:()[\]{}!?\n]/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let gapStart = 0;
  for (const match of text.matchAll(WORD)) {
    const start = match.index;
    const raw = match[0];
    const gap = text.slice(gapStart, start);
    // Possessive "'s" is dropped, so "Alzheimer's disease" meets "Alzheimer Disease".
    if ((raw === 's' || raw === 'S') && /^['’]$/.test(gap) && tokens.length > 0) {
      gapStart = start + 1;
      continue;
    }
    const previous = tokens[tokens.length - 1];
    tokens.push({ start, end: start + raw.length, raw, key: tokenKey(raw), before: separator(gap, previous, text, start) });
    gapStart = start + raw.length;
  }
  return tokens;
}

function separator(gap: string, previous: Token | undefined, text: string, next: number): Separator {
  if (!previous || gap === ' ') return 'none';
  if (HARD_BREAK.test(gap) || sentenceEnd(gap, previous, text.charAt(next))) return 'break';
  return gap.includes(',') ? 'comma' : 'none';
}

/**
 * A full stop ends a sentence unless it follows a single letter ("E. coli", "S. cerevisiae")
 * or the next word starts in lower case ("Saccharomyces uvarum var. melibiosus").
 */
function sentenceEnd(gap: string, previous: Token, nextChar: string): boolean {
  if (!gap.includes('.')) return false;
  if (previous.raw.length === 1) return false;
  return nextChar === nextChar.toUpperCase();
}

const BRITISH = /tumour|humour|colour|behaviour|labour|odour|aem|paed|aetio|gynaec|anaesth|caes|faec|^oes|^oed|coel|rrhoe|foet|ageing|isation/g;
const AMERICAN: Record<string, string> = {
  tumour: 'tumor',
  humour: 'humor',
  colour: 'color',
  behaviour: 'behavior',
  labour: 'labor',
  odour: 'odor',
  aem: 'em',
  paed: 'ped',
  aetio: 'etio',
  gynaec: 'gynec',
  anaesth: 'anesth',
  caes: 'ces',
  faec: 'fec',
  oes: 'es',
  oed: 'ed',
  coel: 'cel',
  rrhoe: 'rrhe',
  foet: 'fet',
  ageing: 'aging',
  isation: 'ization',
};

/**
 * Words repeat (the vocabulary's ~230k name words are ~40k distinct, an abstract's likewise),
 * so keys are memoised; the memo is dropped when full rather than grown without bound.
 */
const keyMemo = new Map<string, string>();
const KEY_MEMO_SIZE = 100_000;

/** Lower case, no diacritics, American spelling, plural folded. */
export function tokenKey(raw: string): string {
  let key = keyMemo.get(raw);
  if (key === undefined) {
    if (keyMemo.size >= KEY_MEMO_SIZE) keyMemo.clear();
    keyMemo.set(raw, (key = computeKey(raw)));
  }
  return key;
}

function computeKey(raw: string): string {
  let word = raw.toLowerCase();
  if (/[^\x00-\x7f]/.test(word)) word = word.normalize('NFD').replace(/\p{M}+/gu, '');
  return fold(word.replace(BRITISH, (part) => AMERICAN[part] ?? part));
}

/**
 * Folds singular and plural onto one key. Not a stemmer: the key need not be a word, only the
 * same for both forms: "metastasis"/"metastases" → "metastase", "disease(s)" → "disease",
 * "tumors" → "tumor", "viruses" → "virus", "allergies" → "allergy". Final "e" is never cut,
 * which would merge "rate" with "rat". Short words stay as written ("aids" is not "aid").
 */
function fold(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('sis')) return `${word.slice(0, -2)}e`;
  if (/(ss|us)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  return word.endsWith('s') && !/(ss|us|is)$/.test(word) ? word.slice(0, -1) : word;
}
