import { phraseEntries, type Dictionary } from './dictionary.ts';
import type { EntityType } from './entity-types.ts';
import type { Token } from './text-keys.ts';

/**
 * Coordinated disease mentions: "breast, prostate, and lung cancers" names three diseases but
 * only its last conjunct ("lung cancers") is a dictionary phrase. Each modifier before the
 * conjunction is tried with the last conjunct's head noun(s) ("breast" + "cancers"); when those
 * are dictionary diseases the whole span becomes one mention carrying every id in text order.
 */

/** A tagged span in token indices (end exclusive). `ids[0]` is the id the span is filed under. */
export interface TokenMatch {
  start: number;
  end: number;
  type: EntityType;
  ids: string[];
}

/** Longest modifier tried per conjunct ("non-small-cell" is three tokens). */
const MAX_MODIFIER_TOKENS = 4;

export function coordinate(dictionary: Dictionary, tokens: Token[], matches: TokenMatch[]): TokenMatch[] {
  const taken = new Uint8Array(tokens.length);
  for (const m of matches) taken.fill(1, m.start, m.end);
  return matches.map((m) => (m.type === 'Disease' && coordinated(dictionary, tokens, m, taken)) || m);
}

function coordinated(dictionary: Dictionary, tokens: Token[], last: TokenMatch, taken: Uint8Array): TokenMatch | undefined {
  const conjunction = conjunctionBefore(tokens, last.start);
  if (conjunction === undefined || last.end - last.start < 2) return undefined;
  // The head is the last conjunct's final word(s); the shortest head that fits wins, so
  // "small- and non-small-cell lung cancer" finds "small" + "cell lung cancer".
  for (let headLength = 1; headLength < last.end - last.start; headLength++) {
    const head = tokens.slice(last.end - headLength, last.end).map((t) => t.key);
    const items = conjunctsBefore(dictionary, tokens, conjunction, head, taken);
    if (items.length > 0) {
      const ids = [...new Set([...items.flatMap((item) => item.ids), ...last.ids])];
      return { start: items[0]!.start, end: last.end, type: 'Disease', ids };
    }
  }
  return undefined;
}

/** Index of "and" / "or" / "and/or" right before token `at`, or undefined. */
function conjunctionBefore(tokens: Token[], at: number): number | undefined {
  const word = tokens[at - 1];
  if (!word || tokens[at]!.before !== 'none') return undefined;
  if (word.key === 'or' && tokens[at - 2]?.key === 'and' && word.before === 'none') return at - 2;
  return word.key === 'and' || word.key === 'or' ? at - 1 : undefined;
}

/** The conjuncts before the conjunction, leftmost first: one before it, more while commas separate them. */
function conjunctsBefore(dictionary: Dictionary, tokens: Token[], conjunction: number, head: string[], taken: Uint8Array): TokenMatch[] {
  if (tokens[conjunction]!.before === 'break') return [];
  const items: TokenMatch[] = [];
  let end = conjunction;
  while (end > 0) {
    const item = conjunctEndingAt(dictionary, tokens, end, head, taken);
    if (!item) break;
    items.unshift(item);
    if (tokens[item.start]!.before !== 'comma') break;
    end = item.start;
  }
  return items;
}

/** The longest modifier ending before token `end` that makes a disease with the head. */
function conjunctEndingAt(dictionary: Dictionary, tokens: Token[], end: number, head: string[], taken: Uint8Array): TokenMatch | undefined {
  for (let length = Math.min(MAX_MODIFIER_TOKENS, end); length >= 1; length--) {
    const start = end - length;
    if (!freeModifier(tokens, start, end, taken)) continue;
    const keys = [...tokens.slice(start, end).map((t) => t.key), ...head];
    const disease = phraseEntries(dictionary, keys).find((e) => e.type === 'Disease');
    if (disease) return { start, end, type: 'Disease', ids: [disease.id] };
  }
  return undefined;
}

/** Untagged words with no punctuation or conjunction between them. */
function freeModifier(tokens: Token[], start: number, end: number, taken: Uint8Array): boolean {
  for (let i = start; i < end; i++) {
    if (taken[i] || (i > start && tokens[i]!.before !== 'none')) return false;
    if (tokens[i]!.key === 'and' || tokens[i]!.key === 'or') return false;
  }
  return true;
}
