import type { WorkEntities } from '../entities/entity-types.ts';
import type { Article } from '../parse/article.ts';
import type { FullText } from '../parse/full-text.ts';
import type { WorkNotice } from '../notices/work-notice.ts';
import type { CardSummary } from './summarise.ts';

/**
 * Everything a card is rendered from. The article alone fills the header, summary and
 * abstract; each enrichment arrives as one more optional field, read only by the section that
 * shows it, so a card rendered before enrichment is still a valid card.
 */
export interface CardInput {
  article: Article;
  /** Names of the watches that found this work, shown on the `Matched:` line. */
  matched?: string[];
  /** What the PMC full text gave: figures, references, graphical abstract. */
  fullText?: FullText;
  /** Entity annotations (PubTator3, or the offline vocabulary until PubTator has them). */
  entities?: WorkEntities;
  /** A summary made elsewhere (a configured summariser); the extractive one otherwise. */
  summary?: CardSummary;
  /** Retractions, errata and expressions of concern PubMed links to the work. */
  notices?: WorkNotice[];
  /**
   * Enrichment not finished yet: the work is delivered without waiting for it. `steps` are the
   * parts the last try could not get (none before the first try); `retrying` after a failure.
   */
  pending?: { steps: string[]; retrying: boolean };
}
