import { loadCardInput } from '../card/load-card-input.ts';
import type { Services } from '../services.ts';
import type { DigestCandidate } from './assemble-digest.ts';

/** How far back any digest looks, whatever the subscriber's history: older unsent works are not sent. */
export const MAX_LOOKBACK_DAYS = 90;

/**
 * Works a digest may hold, loaded once per run: ten thousand subscribers of one watch share
 * its works, so each work (and its enrichment) is read from the database once, not once per digest.
 */
export class CandidateLoader {
  private readonly cards = new Map<string, Promise<DigestCandidate | undefined>>();

  constructor(private readonly services: Services) {}

  /** Works the watches matched since `sinceMs` (when the watch first matched them). */
  async forWatches(watchIds: readonly string[], sinceMs: number): Promise<DigestCandidate[]> {
    const keys = new Set<string>();
    for (const watchId of watchIds) {
      const found = await this.services.works.keysMatchedSince(watchId, sinceMs);
      for (const key of found) keys.add(key);
    }
    return this.forKeys([...keys]);
  }

  /** These works, those that still exist. */
  async forKeys(keys: readonly string[]): Promise<DigestCandidate[]> {
    const candidates = await Promise.all(keys.map((key) => this.load(key)));
    return candidates.filter((c): c is DigestCandidate => c !== undefined);
  }

  private load(key: string): Promise<DigestCandidate | undefined> {
    let card = this.cards.get(key);
    if (!card) {
      card = (async () => {
        const work = await this.services.works.get(key);
        if (!work) return undefined;
        return { key, watches: work.watches, firstSeen: work.firstSeen, card: await loadCardInput(work, this.services.enrichment, this.services.config(), this.services.notices) };
      })();
      this.cards.set(key, card);
    }
    return card;
  }
}
