import type { Article } from './article.ts';

/**
 * What litwatch keeps of a PMC full text (JATS): enough for the card's Full text, Figures and
 * References sections and the graphical abstract's caption. The body itself is only used for
 * entity tagging and is not stored.
 */
export interface FullText {
  /** `PMC1234567` form. */
  pmcid: string;
  /** False when PMC returned the article without `<body>` (outside the open-access subset). */
  hasBody: boolean;
  /** Figures that carry a caption (the card counts only those), in order. Caption in card inline form. */
  figures: { label?: string; caption: string }[];
  /** `<ref>` elements in the `<ref-list>`(s), whatever their citation style. */
  referenceCount: number;
  /** The graphical abstract's caption, card inline form, when the article has one. */
  graphicalAbstract?: string;
}

/** One JATS `<article>` read from a PMC efetch response (or an OA package `.nxml`). */
export interface JatsArticle {
  /** Metadata in the common Article shape (`kind: 'pmc'`), for works PubMed does not list yet. */
  article: Article & { kind: 'pmc'; pmcid: string };
  fullText: FullText;
  /** Plain text for entity tagging and PubTator-style offsets: passages in reading order. */
  passages: { kind: 'title' | 'abstract' | 'body' | 'caption'; text: string }[];
}
