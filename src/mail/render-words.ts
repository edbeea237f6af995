/** Wording shared by the email subjects and bodies. */

/** Subjects name at most this many watches: a long list would push the count out of view. */
const SUBJECT_WATCHES = 3;

/** `1 new publication`, `12 new publications`. */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `Bone metastasis, Lung cancer in bone`. */
export function watchList(names: readonly string[]): string {
  return names.length > 0 ? names.join(', ') : 'litwatch';
}

/** The watches a subject names: `A, B, C and 2 more` past {@link SUBJECT_WATCHES}. */
export function subjectWatches(names: readonly string[]): string {
  if (names.length <= SUBJECT_WATCHES) return watchList(names);
  return `${watchList(names.slice(0, SUBJECT_WATCHES))} and ${names.length - SUBJECT_WATCHES} more`;
}
