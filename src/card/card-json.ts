import { escapeTagOpeners } from '../text/escape-tag-openers.ts';
import { formatAuthors } from './card-authors.ts';
import { articleDate } from './card-date.ts';
import type { CardInput } from './card-input.ts';
import { cardSource, sourceUrl, type CardSource } from './card-links.ts';
import { collapseSpace } from './collapse-space.ts';
import { renderCard } from './render-card.ts';
import { summarise } from './summarise.ts';

/**
 * One work as `litwatch card --json` and the works listing print it. Text fields are in the
 * card's inline form (as `title` already is), so a consumer renders every field one way.
 * Missing values are `null`, not absent, so every object has the same keys.
 */
export interface CardJson {
  pmid: string | null;
  doi: string | null;
  pmcid: string | null;
  title: string;
  authors: string;
  journal: string;
  /** ISO partial date (electronic date preferred), as on the card. */
  date: string | null;
  source: CardSource;
  url: string;
  matched: string[];
  summary: {
    tldr: string | null;
    contribution: string | null;
    findings: string[];
    method: 'extractive' | 'model';
    model?: string;
  };
  /** The Markdown card, exactly as {@link renderCard} writes it. */
  card: string;
}

export function cardJson(input: CardInput): CardJson {
  const { article } = input;
  const summary = input.summary ?? summarise(article);
  return {
    pmid: article.pmid ?? null,
    doi: article.doi ?? null,
    pmcid: article.pmcid ?? null,
    title: collapseSpace(article.title),
    authors: formatAuthors(article.authors),
    journal: escapeTagOpeners(collapseSpace(article.journal.title)),
    date: articleDate(article) ?? null,
    source: cardSource(article),
    url: sourceUrl(article),
    matched: input.matched ?? [],
    summary: {
      tldr: summary.tldr ?? null,
      contribution: summary.contribution ?? null,
      findings: summary.findings,
      method: summary.method,
      ...(summary.model ? { model: summary.model } : {}),
    },
    card: renderCard(input, summary),
  };
}
