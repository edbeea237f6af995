import type { DigestEntryView } from '../digest/entry-view.ts';

/**
 * Typed render requests, one per email template (templates/<name>/{html,text}.hbs). Builders
 * assemble them; the renderer turns them into a subject, an HTML part and a text part.
 */

/** Links every email to a subscriber carries (signed, built on LITWATCH_PUBLIC_URL). */
export interface SubscriberLinks {
  preferences: string;
  /** The one-click unsubscribe page (GET shows a button; POST unsubscribes). */
  unsubscribe: string;
}

/** The entries under one heading: a primary disease, or none when the works have no entities yet. */
export interface DigestSection {
  /** e.g. "breast cancer"; undefined renders as the watch's general section. */
  disease?: string;
  entries: DigestEntryView[];
}

export interface DigestGroup {
  watchName: string;
  sections: DigestSection[];
}

export interface DigestRenderRequest {
  /** e.g. "Thursday 27 November 2026" or "week of 23 November 2026". */
  periodLabel: string;
  /** Watches the subscriber follows, named (for the subject and the header). */
  watchNames: string[];
  /** Works in this digest, shown or not. */
  totalWorks: number;
  groups: DigestGroup[];
  /**
   * Set when not every work has an entry (past maxItems, or past the size budget): where to
   * read all `totalWorks` on the web; how many are not in the email, and how many of those for
   * their size.
   */
  more?: { url: string; notShown?: number; tooLarge?: number };
  /** Retractions, errata and concerns about works this reader received earlier: each told once. */
  notices?: DigestNotice[];
  links: SubscriberLinks;
}

export interface DigestNotice {
  /** The work's title, card inline form. */
  title: string;
  /** "retracted (2026-11-20, https://pubmed.ncbi.nlm.nih.gov/…/)". */
  notice: string;
  /** The work's record. */
  url: string;
}

/** "No new publications" for subscribers who asked to hear even then. */
export interface EmptyDigestRenderRequest {
  periodLabel: string;
  watchNames: string[];
  links: SubscriberLinks;
  /** Words the subject ("… this week" / "… today"); without it the subject names no period. */
  frequency?: 'daily' | 'weekly';
}

export interface ConfirmRenderRequest {
  confirmUrl: string;
  watchNames: string[];
  frequency: 'daily' | 'weekly';
  /** How long the link works. */
  expiresInHours: number;
}

/** One card or digest entry in both parts, rendered once per work and cached by the caller across digests. */
export interface CardParts {
  html: string;
  text: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}
