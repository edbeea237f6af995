import type { SubscriberLinks } from './render-types.ts';
import { watchList } from './render-words.ts';

/** What the footer partial shows: why the reader gets the email, and the two links to change that. */
export interface FooterContext {
  why: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
}

export function footerContext(watchNames: readonly string[], links: SubscriberLinks): FooterContext {
  return {
    why: `You are receiving this email because you subscribed to litwatch digests for ${watchList(watchNames)}.`,
    preferencesUrl: links.preferences,
    unsubscribeUrl: links.unsubscribe,
  };
}
