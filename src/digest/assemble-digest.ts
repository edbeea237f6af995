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
  /** How many of them have an entry in the email (at most maxItems, within the budget). */
  shown: number;
  groups: DigestGroup[];
  /** With a budget: each shown entry's size (bytes), in the order they were added. */
  entryBytes?: { key: string; bytes: number }[];
  /** With a budget: works left behind the link because of their size (the budget ran out, or `omit`). */
  leftForSize?: number;
}

/**
 * How much of an email the entries may take, whatever the records hold. Entries are added
 * newest first until the next would pass `maxBytes`; the rest are behind the "Read all N on
 * the web" link like those past maxItems (delivered, on the digest's page).
 */
export interface EntryBudget {
  /** UTF-8 bytes of the entries' HTML and text parts together. */
  maxBytes: number;
  sizeOf: (entry: DigestEntryView) => number;
  /** Works listed on the web page only: a mail server refused the email for its size with their entries in it. */
  omit?: ReadonlySet<string>;
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
  budget?: EntryBudget,
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
  const workKeys = chosen.map((c) => c.candidate.key);
  if (!budget) {
    const shown = chosen.slice(0, maxItems);
    return { workKeys, shown: shown.length, groups: group(shown, subscriber.watches, watchNames, entryFor) };
  }
  const { shown, entryBytes, leftForSize } = withinBudget(chosen, maxItems, entryFor, budget);
  return { workKeys, shown: shown.length, groups: group(shown, subscriber.watches, watchNames, entryFor), entryBytes, leftForSize };
}

function withinBudget(chosen: { candidate: DigestCandidate; watch: string }[], maxItems: number, entryFor: EntryFor, budget: EntryBudget) {
  const shown: typeof chosen = [];
  const entryBytes: { key: string; bytes: number }[] = [];
  let total = 0;
  let omitted = 0;
  for (const [i, item] of chosen.entries()) {
    if (shown.length >= maxItems) break;
    if (budget.omit?.has(item.candidate.key)) {
      omitted++;
      continue;
    }
    const bytes = budget.sizeOf(entryFor(item.candidate, item.watch));
    if (total + bytes > budget.maxBytes) {
      // The budget ran out here: this one and every later one (up to maxItems) stay behind the link.
      const wouldShow = chosen.slice(i).filter((c) => !budget.omit?.has(c.candidate.key)).length;
      return { shown, entryBytes, leftForSize: omitted + Math.min(wouldShow, maxItems - shown.length) };
    }
    total += bytes;
    shown.push(item);
    entryBytes.push({ key: item.candidate.key, bytes });
  }
  return { shown, entryBytes, leftForSize: omitted };
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
