/**
 * What an efetch of a known list of PMIDs (a history-server slice esearch listed) answered,
 * against what was asked: the history server's slice can hold records esearch never listed
 * (its result moved between the search and the fetch, or a broken upstream), and miss listed
 * ones. Only what was asked is stored as the watch's; what is missing is asked again by id.
 */
export interface RequestedCheck<T> {
  /** The records that were asked for, in the order received. */
  kept: T[];
  /** PMIDs received that were not asked for: never stored nor linked to the watch. */
  unrequested: string[];
  /** PMIDs asked for that nothing answered (no record, no deletion notice, no unreadable record). */
  missing: string[];
}

/**
 * `records` split by whether their PMID was asked for; `answered` are the other PMIDs the reply
 * accounted for (deletion notices, records that could not be read).
 */
export function checkRequested<T extends { pmid: string }>(
  asked: readonly string[],
  records: readonly T[],
  answered: Iterable<string> = [],
): RequestedCheck<T> {
  const wanted = new Set(asked);
  const kept: T[] = [];
  const unrequested: string[] = [];
  const seen = new Set<string>();
  for (const record of records) {
    if (wanted.has(record.pmid)) {
      kept.push(record);
      seen.add(record.pmid);
    } else unrequested.push(record.pmid);
  }
  for (const pmid of answered) seen.add(pmid);
  return { kept, unrequested, missing: asked.filter((pmid) => !seen.has(pmid)) };
}
