import type { CardInput } from '../card/card-input.ts';
import { articleDate } from '../card/card-date.ts';
import type { DigestGroup, DigestSection } from '../mail/render-types.ts';
import type { Subscriber } from '../store/subscriber-store.ts';
import { passesFilter } from './entity-filter.ts';

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
  /** How many of them have a card in the email (at most maxItems). */
  shown: number;
  groups: DigestGroup[];
}

/**
 * What one subscriber gets in one digest: the works their watches matched that they never
 * received (nor have in a digest on its way), each once — under the first of their watches that
 * found it — filtered by their entity filters, newest first, the first `maxItems` as cards.
 * Within a watch, cards are grouped by primary disease (the most specific linked disease, else
 * the first disease mentioned); works without entities yet come last, under the watch itself.
 */
export function assembleDigest(
  subscriber: Pick<Subscriber, 'watches' | 'filters'>,
  candidates: DigestCandidate[],
  exclude: ReadonlySet<string>,
  watchNames: ReadonlyMap<string, string>,
  maxItems: number,
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
  return { workKeys: chosen.map((c) => c.candidate.key), shown: shown.length, groups: group(shown, subscriber.watches, watchNames) };
}

/** Newest publication first; works with the same date, the one litwatch found last first. */
function newestFirst(a: DigestCandidate, b: DigestCandidate): number {
  const byDate = (articleDate(b.card.article) ?? '').localeCompare(articleDate(a.card.article) ?? '');
  return byDate !== 0 ? byDate : b.firstSeen - a.firstSeen;
}

function group(chosen: { candidate: DigestCandidate; watch: string }[], watchOrder: string[], names: ReadonlyMap<string, string>): DigestGroup[] {
  const groups: DigestGroup[] = [];
  for (const watch of watchOrder) {
    const cards = chosen.filter((c) => c.watch === watch).map((c) => c.candidate.card);
    if (cards.length > 0) groups.push({ watchName: names.get(watch) ?? watch, sections: sectionsByDisease(cards) });
  }
  return groups;
}

function primaryDisease(card: CardInput): string | undefined {
  const entities = card.entities;
  return entities?.linkedDiseases[0]?.label ?? entities?.diseases[0]?.mention;
}

/** Largest disease first (then by name); the works without a disease yet last. Cards keep their order. */
function sectionsByDisease(cards: CardInput[]): DigestSection[] {
  const byDisease = new Map<string | undefined, CardInput[]>();
  for (const card of cards) {
    const disease = primaryDisease(card)?.toLowerCase();
    byDisease.set(disease, [...(byDisease.get(disease) ?? []), card]);
  }
  return [...byDisease]
    .map(([disease, list]) => ({ ...(disease !== undefined ? { disease } : {}), cards: list }))
    .sort((a, b) => (a.disease === undefined ? 1 : b.disease === undefined ? -1 : b.cards.length - a.cards.length || a.disease.localeCompare(b.disease)));
}
