import { loadCardInput } from '../card/load-card-input.ts';
import type { Services } from '../services.ts';
import type { DigestCandidate } from './assemble-digest.ts';

/** How far back any digest looks, whatever the subscriber's history: older unsent works are not sent. */
export const MAX_LOOKBACK_DAYS = 90;

const DAY_MS = 86_400_000;

/**
 * Works a digest may hold, loaded once per digest run: ten thousand subscribers of one watch
 * share its works, so the watch's list (90 days of it) is read once, and each work with its
 * enrichment once, not once per digest. Each subscriber's own window (it starts at sign-up
 * minus the backfill) is cut from that list in memory.
 */
export class CandidateLoader {
  private readonly cards = new Map<string, Promise<DigestCandidate | undefined>>();
  private readonly watchWorks = new Map<string, Promise<{ key: string; matchedAt: number }[]>>();
  private readonly oldest: number;

  constructor(
    private readonly services: Services,
    now: Date,
  ) {
    this.oldest = now.getTime() - MAX_LOOKBACK_DAYS * DAY_MS;
  }

  /** Works the watches matched since `sinceMs` (when the watch first matched them; never before the lookback). */
  async forWatches(watchIds: readonly string[], sinceMs: number): Promise<DigestCandidate[]> {
    const keys = new Set<string>();
    for (const watchId of watchIds) {
      for (const { key, matchedAt } of await this.matched(watchId)) if (matchedAt >= sinceMs) keys.add(key);
    }
    return this.forKeys([...keys]);
  }

  /** These works, those that still exist. */
  async forKeys(keys: readonly string[]): Promise<DigestCandidate[]> {
    const candidates = await Promise.all(keys.map((key) => this.load(key)));
    return candidates.filter((c): c is DigestCandidate => c !== undefined);
  }

  private matched(watchId: string): Promise<{ key: string; matchedAt: number }[]> {
    let found = this.watchWorks.get(watchId);
    if (!found) {
      found = this.services.works.matchedSince(watchId, this.oldest);
      this.watchWorks.set(watchId, found);
    }
    return found;
  }

  private load(key: string): Promise<DigestCandidate | undefined> {
    let card = this.cards.get(key);
    if (!card) {
      card = (async () => {
        const work = await this.services.works.get(key);
        if (!work) return undefined;
        return {
          key,
          watches: work.watches,
          firstSeen: work.firstSeen,
          card: await loadCardInput(work, this.services.enrichment, this.services.config(), this.services.notices),
        };
      })();
      this.cards.set(key, card);
    }
    return card;
  }
}
