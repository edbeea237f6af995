import type { Subscriber as ConfigSubscriber } from '../config/load-config.ts';
import type { Subscriber, SubscriberStore } from '../store/subscriber-store.ts';

export interface SubscriberSync {
  added: number;
  updated: number;
  removed: number;
}

/**
 * Subscribers the admin declares in config/watches.yaml, mirrored into the store (where digests
 * read them): new ones added; their watches and frequency follow the config; ones removed from
 * the config removed. A subscriber who unsubscribed stays unsubscribed: the config never
 * re-subscribes anyone, and a self-subscribed reader is never touched by it.
 */
export async function syncConfigSubscribers(store: SubscriberStore, declared: readonly ConfigSubscriber[]): Promise<SubscriberSync> {
  const result: SubscriberSync = { added: 0, updated: 0, removed: 0 };
  const emails = new Set(declared.map((s) => s.email.trim().toLowerCase()));
  for (const entry of declared) {
    const existing = await store.findByEmail(entry.email);
    const choices = { watches: [...entry.watches], frequency: entry.frequency, ...(entry.timezone ? { timezone: entry.timezone } : {}) };
    if (!existing) {
      await store.save({ email: entry.email, ...choices }, 'config');
      result.added++;
    } else if (existing.origin === 'config' && existing.status !== 'unsubscribed' && changed(existing, choices)) {
      await store.update(existing.id, choices);
      result.updated++;
    }
  }
  for (const subscriber of await store.list()) {
    if (subscriber.origin === 'config' && !emails.has(subscriber.email.trim().toLowerCase())) {
      await store.remove(subscriber.id);
      result.removed++;
    }
  }
  return result;
}

function changed(existing: Subscriber, choices: { watches: string[]; frequency: string; timezone?: string }): boolean {
  return (
    existing.watches.join(',') !== choices.watches.join(',') ||
    existing.frequency !== choices.frequency ||
    (choices.timezone !== undefined && existing.timezone !== choices.timezone)
  );
}
