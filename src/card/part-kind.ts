import type { AbstractPart } from '../parse/article.ts';

/**
 * What a structured abstract part is for, as far as summaries care. `other` covers background
 * and methods (never summary material) and `admin` registrations, funding and the like (not
 * even a last-resort TL;DR); `unlabelled` parts are read sentence by sentence through cues.
 */
export type PartKind = 'aim' | 'results' | 'conclusion' | 'admin' | 'other' | 'unlabelled';

/** NLM's normalised category wins; UNASSIGNED or a missing one falls back to the label's words. */
export function partKind(part: AbstractPart): PartKind {
  const category = part.nlmCategory?.toUpperCase();
  const byCategory = category && category !== 'UNASSIGNED' ? kindOfWords(category) : undefined;
  if (byCategory) return byCategory;
  const label = part.label?.trim().toUpperCase();
  if (!label) return 'unlabelled';
  return kindOfWords(label) ?? 'other';
}

// Checked in this order: "CONCLUSIONS AND RELEVANCE" is a conclusion, "RESULTS AND
// DISCUSSION" results first, "PURPOSE OF REVIEW" an aim; registration lines go before all.
const KIND_WORDS: [PartKind, RegExp][] = [
  ['admin', /REGISTRATION|REGISTRY|FUNDING|KEY ?WORDS|LEVEL OF EVIDENCE|TRIAL NUMBER|COPYRIGHT/],
  ['results', /RESULT|FINDING/],
  ['conclusion', /CONCLU|INTERPRETATION|SIGNIFICANCE|IMPLICATION|DISCUSSION|PERSPECTIVE/],
  ['aim', /OBJECTIVE|\bAIMS?\b|PURPOSE|GOAL|QUESTION/],
];

function kindOfWords(words: string): PartKind | undefined {
  return KIND_WORDS.find(([, pattern]) => pattern.test(words))?.[0];
}
