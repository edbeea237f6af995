import type { LinkTokens, TokenAction } from '../mail/link-tokens.ts';
import { REQUEST_TTL_SECONDS } from '../store/subscriber-store.ts';

/** Page paths, relative so that a LITWATCH_PUBLIC_URL with a path (`https://host/litwatch`) works. */
export const PAGES = {
  subscribe: 'subscribe',
  confirm: 'confirm',
  preferences: 'preferences',
  unsubscribe: 'unsubscribe',
} as const;

/** How long a confirmation link works: as long as the request it confirms is kept. */
export const CONFIRM_LINK_HOURS = REQUEST_TTL_SECONDS / 3600;

/**
 * Preferences links ride along in every digest, so a year is plenty; past that the next digest
 * brings a fresh one.
 */
export const PREFERENCES_LINK_TTL_SECONDS = 365 * 24 * 3600;

/** The signed links everyone else puts in emails. `now` is in milliseconds (tests pass an old one). */
export interface Links {
  /** Works as long as the request does (48 h). */
  confirmUrl(requestId: string, now?: number): string;
  preferencesUrl(subscriberId: string, now?: number): string;
  /** Never expires: RFC 8058 asks that the List-Unsubscribe URL of any digest keeps working. */
  unsubscribeUrl(subscriberId: string): string;
  /**
   * A digest's page (its "Read all N on the web" link), signed: the digest id alone is derived
   * from the subscriber id and period (digest-store.ts), which an unsubscribe link carries, so
   * it must not open the page. Lasts as long as the digest is kept (retention.digestDays).
   */
  digestUrl(digestId: string): string;
}

export function links(publicUrl: string, tokens: LinkTokens): Links {
  const url = (action: Exclude<TokenAction, 'digest'>, subject: string, expires?: number) =>
    absoluteUrl(publicUrl, pageWithToken(action, tokens.sign({ action, subject, ...(expires !== undefined ? { expires } : {}) })));
  return {
    confirmUrl: (requestId, now = Date.now()) => url('confirm', requestId, seconds(now) + REQUEST_TTL_SECONDS),
    preferencesUrl: (subscriberId, now = Date.now()) => url('preferences', subscriberId, seconds(now) + PREFERENCES_LINK_TTL_SECONDS),
    unsubscribeUrl: (subscriberId) => url('unsubscribe', subscriberId),
    digestUrl: (digestId) => absoluteUrl(publicUrl, `${DIGEST_PAGES}${tokens.sign({ action: 'digest', subject: digestId })}`),
  };
}

/** Where digest pages live: `digests/<token>`. */
export const DIGEST_PAGES = 'digests/';

/** `confirm?token=…`: where a token page's form posts back to (the token stays in the query). */
export function pageWithToken(page: Exclude<TokenAction, 'digest'>, token: string): string {
  return `${PAGES[page]}?${new URLSearchParams({ token })}`;
}

/** A work's public page: the key (a DOI holds `/`) is one encoded path segment. */
export function workPagePath(key: string): string {
  return `works/${encodeURIComponent(key)}`;
}

export function workPageUrl(publicUrl: string, key: string): string {
  return absoluteUrl(publicUrl, workPagePath(key));
}

/** A watch's feed, relative like PAGES: `feeds/bone-metastasis.atom`. */
export function feedPath(watchId: string, format: 'atom' | 'json'): string {
  return `feeds/${encodeURIComponent(watchId)}.${format}`;
}

function absoluteUrl(publicUrl: string, relative: string): string {
  return new URL(relative, `${publicUrl.replace(/\/+$/, '')}/`).href;
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
