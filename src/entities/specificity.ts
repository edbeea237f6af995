import { phrasesWithin, Priority, proseForms } from './dictionary.ts';
import { tokenize } from './text-keys.ts';
import type { Vocabulary } from './vocabulary.ts';

/**
 * How specific a MeSH disease is, from what the lexicon holds: it has no tree numbers, but MeSH
 * headings are built by composition ("Breast Neoplasms" is "Neoplasms" of the breast, "Triple
 * Negative Breast Neoplasms" a kind of those). A disease's depth is the longest chain of other
 * lexicon diseases whose names nest inside its preferred name: Neoplasms 0, Breast Neoplasms 1,
 * Triple Negative Breast Neoplasms 2; Melanoma and Hypercalcemia, which name no other disease,
 * 0. Only the preferred name is read: entry terms mix in narrower and looser wordings
 * ("Carcinoma" lists "Spindle-Cell Carcinoma") that would make depths noisy. It is a proxy, and
 * unrelated diseases both at depth 0 stay in order of first mention.
 */
export function specificity(vocabulary: Vocabulary, meshId: string): number {
  return depth(vocabulary, meshId, new Set());
}

function depth(vocabulary: Vocabulary, meshId: string, visiting: Set<string>): number {
  const known = vocabulary.depths.get(meshId);
  if (known !== undefined) return known;
  const name = vocabulary.diseaseNames.get(meshId);
  // A cycle (two names inside each other through synonyms) counts as no further nesting.
  if (name === undefined || visiting.has(meshId)) return 0;
  visiting.add(meshId);
  let deepest = 0;
  for (const inner of diseasesNamedIn(vocabulary, meshId, name)) deepest = Math.max(deepest, 1 + depth(vocabulary, inner, visiting));
  visiting.delete(meshId);
  vocabulary.depths.set(meshId, deepest);
  return deepest;
}

/** Other diseases whose name or synonym is a proper part of this preferred name. */
function diseasesNamedIn(vocabulary: Vocabulary, meshId: string, name: string): Set<string> {
  const inner = new Set<string>();
  for (const form of proseForms(name)) {
    const tokens = tokenize(form);
    for (const { start, end, entry } of phrasesWithin(vocabulary.dictionary, tokens)) {
      const proper = end - start < tokens.length;
      if (proper && entry.type === 'Disease' && entry.priority <= Priority.synonym && entry.id !== meshId) inner.add(entry.id);
    }
  }
  return inner;
}
