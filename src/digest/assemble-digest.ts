import type { CardInput } from '../card/card-input.ts';
import { articleDate } from '../card/card-date.ts';
import type { DigestGroup, DigestSection } from '../mail/render-types.ts';
import type { Subscriber } from '../store/subscriber-store.ts';
import { passesFilter } from './entity-filter.ts';
import type { DigestEntryView } from './entry-view.ts';

/** A stored work as a digest sees it. */
export interface DigestCandidate {
  key: string;
  /** Watches that matched it (ids). */
  watches: string[];
  firstSeen: number;
  card: CardInput;
}

export interface AssembledDigest {
  /** Every work this digest delivers, shown or behind the "more" link: all become sent. */
  workKeys: string[];
  /** How many of them have an entry in the email (at most maxItems). */
  shown: number;
  groups: DigestGroup[];
}

/** A candidate's entry as listed under one of the subscriber's watches (a digest run caches these). */
export type EntryFor = (candidate: DigestCandidate, watchId: string) => DigestEntryView;

/**
 * What one subscriber gets in one digest: the works their watches matched that they never
 * received (nor have in a digest on its way), each once — under the first of their watches that
 * found it — filtered by their entity filters, newest first, the first `maxItems` as entries.
 * Within a watch, entries are grouped by primary disease (the most specific linked disease, else
 * the first disease mentioned); works without entities yet come last, under the watch itself.
 */
export function assembleDigest(
  subscriber: Pick<Subscriber, 'watches' | 'filters'>,
  candidates: DigestCandidate[],
  exclude: ReadonlySet<string>,
  watchNames: ReadonlyMap<string, string>,
  maxItems: number,
  entryFor: EntryFor,
): AssembledDigest {
  const chosen: { candidate: DigestCandidate; watch: string }[] = [];
  const seen = new Set<string>();
  for (const candidate of [...candidates].sort(newestFirst)) {
    if (seen.has(candidate.key) || exclude.has(candidate.key)) continue;
    const watch = subscriber.watches.find((id) => candidate.watches.includes(id) && passesFilter(candidate.card.entities, subscriber.filters[id]));
    if (!watch) continue;
    seen.add(candidate.key);
    chosen.push({ candidate, watch });
  }
  const shown = chosen.slice(0, maxItems);
  return { workKeys: chosen.map((c) => c.candidate.key), shown: shown.length, groups: group(shown, subscriber.watches, watchNames, entryFor) };
}

/** Newest publication first; works with the same date, the one litwatch found last first. */
function newestFirst(a: DigestCandidate, b: DigestCandidate): number {
  const byDate = (articleDate(b.card.article) ?? '').localeCompare(articleDate(a.card.article) ?? '');
  return byDate !== 0 ? byDate : b.firstSeen - a.firstSeen;
}

function group(
  chosen: { candidate: DigestCandidate; watch: string }[],
  watchOrder: string[],
  names: ReadonlyMap<string, string>,
  entryFor: EntryFor,
): DigestGroup[] {
  const groups: DigestGroup[] = [];
  for (const watch of watchOrder) {
    const candidates = chosen.filter((c) => c.watch === watch).map((c) => c.candidate);
    if (candidates.length > 0) groups.push({ watchName: names.get(watch) ?? watch, sections: sectionsByDisease(candidates, (c) => entryFor(c, watch)) });
  }
  return groups;
}

function primaryDisease(card: CardInput): string | undefined {
  const entities = card.entities;
  return entities?.linkedDiseases[0]?.label ?? entities?.diseases[0]?.mention;
}

/** Largest disease first (then by name); the works without a disease yet last. Entries keep their order. */
function sectionsByDisease(candidates: DigestCandidate[], entry: (candidate: DigestCandidate) => DigestEntryView): DigestSection[] {
  const byDisease = new Map<string | undefined, DigestCandidate[]>();
  for (const candidate of candidates) {
    const disease = primaryDisease(candidate.card)?.toLowerCase();
    byDisease.set(disease, [...(byDisease.get(disease) ?? []), candidate]);
  }
  return [...byDisease]
    .map(([disease, list]) => ({ ...(disease !== undefined ? { disease } : {}), entries: list.map(entry) }))
    .sort((a, b) => (a.disease === undefined ? 1 : b.disease === undefined ? -1 : b.entries.length - a.entries.length || a.disease.localeCompare(b.disease)));
}
