import type { EntityType } from './entity-types.ts';

/**
 * Abbreviations defined in the text, "Bone metastasis (BoMet)": the long form is found with
 * Schwartz & Hearst's algorithm (PSB 2003: the short form's characters matched right to left
 * in the words before the parenthesis, the first one at a word start). When a tagged mention
 * ends where the long form ends (its head noun: "metastasis"), the short form takes its type
 * and ids, the mention widens to the whole long form, and every later occurrence of the short
 * form, as written, is tagged too.
 */

/** A tagged span in passage characters (end exclusive). */
export interface CharSpan {
  start: number;
  end: number;
  type: EntityType;
  ids: string[];
}

export interface Definition {
  short: string;
  type: EntityType;
  ids: string[];
  /** Document offset of the definition: occurrences from here on are tagged. */
  at: number;
}

/** 2–10 letters/digits/hyphens, one capital at least, starting with a letter or digit: "BoMet", "mCRPC". */
const SHORT_FORM = /^[\p{L}\p{N}][\p{L}\p{N}-]{1,9}$/u;
const PARENTHESIS = /\(([^()]{2,10})\)/g;
const CLAUSE_END = /[.;:!?()[\]]/;

/** Definitions in one passage; widens the long forms' mentions in `spans` in place. */
export function defineAbbreviations(text: string, offset: number, spans: CharSpan[]): Definition[] {
  const definitions: Definition[] = [];
  for (const match of text.matchAll(PARENTHESIS)) {
    const short = match[1]!.trim();
    if (!SHORT_FORM.test(short) || !/\p{Lu}/u.test(short)) continue;
    const longForm = longFormBefore(text, match.index, short);
    const head = longForm && spans.find((s) => s.end === longForm.end && s.start >= longForm.start);
    if (!longForm || !head) continue;
    if (!spans.some((s) => s !== head && s.start < longForm.end && s.end > longForm.start)) head.start = longForm.start;
    definitions.push({ short, type: head.type, ids: head.ids, at: offset + match.index });
  }
  return definitions;
}

/** The long form's character span before the parenthesis at `open`, or undefined. */
function longFormBefore(text: string, open: number, short: string): { start: number; end: number } | undefined {
  let clauseStart = open;
  while (clauseStart > 0 && !CLAUSE_END.test(text.charAt(clauseStart - 1))) clauseStart--;
  const clause = text.slice(clauseStart, open).trimEnd();
  // Schwartz & Hearst bound the long form at min(|SF| + 5, 2·|SF|) words.
  const words = [...clause.matchAll(/\S+/g)];
  const first = words[Math.max(0, words.length - Math.min(short.length + 5, short.length * 2))];
  if (!first) return undefined;
  const within = longFormStart(clause.slice(first.index), short);
  if (within < 0) return undefined;
  return { start: clauseStart + first.index + within, end: clauseStart + clause.length };
}

const ALNUM = /[\p{L}\p{N}]/u;

function longFormStart(candidate: string, short: string): number {
  let l = candidate.length - 1;
  for (let s = short.length - 1; s >= 0; s--) {
    const c = short.charAt(s).toLowerCase();
    if (!ALNUM.test(c)) continue;
    // The first character of the short form must begin a word of the long form.
    while (l >= 0 && (candidate.charAt(l).toLowerCase() !== c || (s === 0 && l > 0 && ALNUM.test(candidate.charAt(l - 1))))) l--;
    if (l < 0) return -1;
    l--;
  }
  while (l >= 0 && !/\s/.test(candidate.charAt(l))) l--;
  return l + 1;
}

/**
 * `spans` with every occurrence of a defined short form (from its definition on) tagged. A
 * short form inside a longer mention stays part of it; shorter mentions it overlaps give way.
 */
export function withAbbreviations(text: string, offset: number, spans: CharSpan[], definitions: Definition[]): CharSpan[] {
  let result = spans;
  for (const definition of definitions) {
    for (const occurrence of occurrences(text, definition.short)) {
      if (offset + occurrence < definition.at) continue;
      const span: CharSpan = { start: occurrence, end: occurrence + definition.short.length, type: definition.type, ids: definition.ids };
      const overlapping = result.filter((s) => s.start < span.end && s.end > span.start);
      if (overlapping.some((s) => s.end - s.start > span.end - span.start)) continue;
      result = [...result.filter((s) => !overlapping.includes(s)), span];
    }
  }
  return result;
}

function occurrences(text: string, word: string): number[] {
  const escaped = word.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  return [...text.matchAll(new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'gu'))].map((m) => m.index);
}
