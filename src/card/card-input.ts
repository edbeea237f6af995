import type { Article } from '../parse/article.ts';

/**
 * Everything a card is rendered from. The article alone fills the header, summary and
 * abstract; each later enrichment (entity annotations, PMC full text) arrives as one more
 * optional field here, read only by the section that shows it (see unfilled-sections.ts), so
 * a card rendered before enrichment stays valid and callers that do not enrich never change.
 */
export interface CardInput {
  article: Article;
  /** Names of the watches that found this work, shown on the `Matched:` line. */
  matched?: string[];
}
