import type { Article } from '../parse/article.ts';
import { escapeTagOpeners } from '../text/escape-tag-openers.ts';
import { noticeLine } from '../notices/work-notice.ts';
import { abstractParagraphs, hasAbstract } from './abstract-section.ts';
import { formatAuthors } from './card-authors.ts';
import { cardDate } from './card-date.ts';
import type { CardInput } from './card-input.ts';
import { cardSource, sourceUrl } from './card-links.ts';
import { collapseSpace } from './collapse-space.ts';
import { fullTextEntitiesBody, linkedEntitiesBody } from './entity-sections.ts';
import { figuresBody, fullTextBody, referencesBody } from './full-text-sections.ts';
import { summarise, type CardSummary } from './summarise.ts';
import { summaryBodies } from './summary-sections.ts';

/**
 * The card as data: what each section says, before any format writes it. The Markdown card
 * (render-card.ts), the email's HTML and its plain text all read this one view, so a wording
 * change lands in every format at once. Every string is in card inline form (CARD.md).
 */

/**
 * One paragraph, written in this order: an italic note saying why a section has little to
 * show, a bold lead-in label, the text, then a link written out.
 */
export interface CardParagraph {
  note?: string;
  label?: string;
  text?: string;
  url?: string;
}

/** A bulleted list (key findings, entity types). */
export interface CardList {
  list: CardParagraph[];
}

export type CardBlock = CardParagraph | CardList;

export interface CardSectionView {
  heading: string;
  blocks: CardBlock[];
}

export interface CardView {
  title: string;
  /** `—` when the record names no author. */
  authors: string;
  sourceLine: string;
  /** The record the card links back to (`—` when the record has no identifier at all). */
  url: string;
  /** Every section of CARD.md, in order, each with at least one block. */
  sections: CardSectionView[];
  /** Watches that found the work; may be empty. */
  matched: string[];
  /** `Notice:` lines: "retracted (2026-11-20, https://…)". */
  notices: string[];
  /** The `Pending:` line while enrichment has not completed the card. */
  pending?: string;
}

/**
 * @param summary pass one already computed (cardJson does), or a summariser's; defaults to the
 *   extractive summary of the abstract.
 */
export function cardView(input: CardInput, summary: CardSummary = input.summary ?? summarise(input.article)): CardView {
  const { article, fullText, entities } = input;
  const bodies = summaryBodies(summary, hasAbstract(article.abstract));
  return {
    title: collapseSpace(article.title),
    authors: formatAuthors(article.authors) || '—',
    sourceLine: sourceLine(article),
    url: sourceUrl(article),
    sections: [
      { heading: 'TL;DR', blocks: bodies.tldr },
      { heading: 'Contribution', blocks: bodies.contribution },
      { heading: 'Key findings', blocks: bodies.findings },
      { heading: 'Abstract', blocks: [...abstractParagraphs(article.abstract), ...graphicalAbstract(fullText)] },
      { heading: 'Linked entities', blocks: linkedEntitiesBody(entities) },
      { heading: 'Full-text entities', blocks: fullTextEntitiesBody(entities) },
      { heading: 'Full text', blocks: fullTextBody(article, fullText) },
      { heading: 'Figures', blocks: figuresBody(article, fullText) },
      { heading: 'References', blocks: referencesBody(article, fullText) },
    ],
    // Watch names come from config, not the record, but are escaped the same way: cheap and safe
    matched: (input.matched ?? []).map(escapeTagOpeners),
    notices: (input.notices ?? []).map(noticeLine),
    ...(input.pending ? { pending: pendingLine(input.pending) } : {}),
  };
}

/** What the reader is told while the card is incomplete: which parts, and that they will come. */
function pendingLine({ steps, retrying }: NonNullable<CardInput['pending']>): string {
  if (!retrying || steps.length === 0) return 'enrichment under way (full text, entities, summary); this card is completed when it ends';
  return `${steps.map((step) => STEP_NAMES[step] ?? step).join(', ')} (not available at the last try; tried again on a later poll)`;
}

/** The reader's words for the enrichment steps (src/store/enrichment-store.ts EnrichStep). */
const STEP_NAMES: Readonly<Record<string, string>> = { pmcid: 'PMC copy', 'full text': 'full text', entities: 'entities', summary: 'summary' };

/** `{PMC|PubMed} · DOI: {doi} · {journal} · {date}`, `—` standing in for what is missing. */
export function sourceLine(article: Article): string {
  const doi = article.doi ? escapeTagOpeners(article.doi) : '—';
  const journal = escapeTagOpeners(collapseSpace(article.journal.title)) || '—';
  return `${cardSource(article)} · DOI: ${doi} · ${journal} · ${cardDate(article)}`;
}

/** A graphical abstract's caption follows the abstract as its own paragraph (as in the seed). */
function graphicalAbstract(fullText: CardInput['fullText']): CardParagraph[] {
  const caption = fullText?.graphicalAbstract ? collapseSpace(fullText.graphicalAbstract) : '';
  return caption ? [{ text: caption }] : [];
}
