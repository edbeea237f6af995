import type { Article } from '../parse/article.ts';
import { escapeTagOpeners } from '../text/escape-tag-openers.ts';
import { abstractParagraphs, hasAbstract } from './abstract-section.ts';
import { formatAuthors } from './card-authors.ts';
import { cardDate } from './card-date.ts';
import type { CardInput } from './card-input.ts';
import { cardSource, sourceUrl } from './card-links.ts';
import { collapseSpace } from './collapse-space.ts';
import { summarise, type CardSummary } from './summarise.ts';
import { summaryBodies } from './summary-sections.ts';
import { fullTextEntitiesBody, linkedEntitiesBody } from './entity-sections.ts';
import { figuresBody, fullTextBody, referencesBody } from './full-text-sections.ts';

/**
 * The card as Markdown, laid out as ../shared/format/CARD.md: title, authors, source line,
 * then every section in order, each keeping its heading even when empty, then `---` and the
 * Source line, and a `Matched:` line when watches are named.
 *
 * Blocks are separated by a blank line; the one exception is `---` directly above `Source:`,
 * as in the seed. Lines added after Source (Matched, later notices) are their own paragraphs
 * so a Markdown renderer does not run them into the Source line.
 *
 * @param summary pass one already computed (cardJson does), or a summariser's; defaults to the
 *   extractive summary of the abstract.
 */
export function renderCard(input: CardInput, summary: CardSummary = input.summary ?? summarise(input.article)): string {
  const { article, fullText, entities } = input;
  const bodies = summaryBodies(summary, hasAbstract(article.abstract));
  const blocks = [
    `# ${collapseSpace(article.title)}`,
    `**Authors:** ${formatAuthors(article.authors) || '—'}`,
    sourceLine(article),
    ...section('TL;DR', bodies.tldr),
    ...section('Contribution', bodies.contribution),
    ...section('Key findings', bodies.findings),
    ...section('Abstract', ...abstractParagraphs(article.abstract), ...graphicalAbstract(fullText)),
    ...section('Linked entities', linkedEntitiesBody(entities)),
    ...section('Full-text entities', fullTextEntitiesBody(entities)),
    ...section('Full text', fullTextBody(article, fullText)),
    ...section('Figures', figuresBody(article, fullText)),
    ...section('References', referencesBody(article, fullText)),
    `---\nSource: ${sourceUrl(article)}`,
    ...matchedLine(input.matched),
  ];
  return `${blocks.join('\n\n')}\n`;
}

/** `{PMC|PubMed} · DOI: {doi} · {journal} · {date}`, `—` standing in for what is missing. */
export function sourceLine(article: Article): string {
  const doi = article.doi ? escapeTagOpeners(article.doi) : '—';
  const journal = escapeTagOpeners(collapseSpace(article.journal.title)) || '—';
  return `${cardSource(article)} · DOI: ${doi} · ${journal} · ${cardDate(article)}`;
}

/** A graphical abstract's caption follows the abstract as its own paragraph (as in the seed). */
function graphicalAbstract(fullText: CardInput['fullText']): string[] {
  const caption = fullText?.graphicalAbstract ? collapseSpace(fullText.graphicalAbstract) : '';
  return caption ? [caption] : [];
}

function section(heading: string, ...paragraphs: string[]): string[] {
  return [`## ${heading}`, ...paragraphs];
}

/** Watch names come from config, not the record, but are escaped the same way: cheap and safe. */
function matchedLine(matched: readonly string[] = []): string[] {
  return matched.length > 0 ? [`Matched: ${matched.map(escapeTagOpeners).join(', ')}`] : [];
}
