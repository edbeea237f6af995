import type { Article } from '../parse/article.ts';
import { pmcArticleUrl } from './card-links.ts';

/**
 * Bodies of the sections that enrichment fills: entity annotations and PMC full text. Until a
 * `CardInput` carries that data, each says in one italic line why it is empty (CARD.md: a
 * section with nothing to show keeps its heading). When enrichment lands, each function here
 * takes the `CardInput` field it needs and keeps its line as the fallback.
 */

export const NO_ENTITIES = '_No entity annotations yet._';
export const NOT_OPEN_ACCESS = '_Not open access: no full text in PMC._';

export function linkedEntitiesBody(): string {
  return NO_ENTITIES;
}

export function fullTextEntitiesBody(): string {
  return NO_ENTITIES;
}

/** With a PMCID the paper is readable in PMC even before litwatch fetches it, so point there. */
export function fullTextBody(article: Article): string {
  if (!article.pmcid) return NOT_OPEN_ACCESS;
  return `_Full text not fetched yet._ Read the complete paper in PMC: ${pmcArticleUrl(article.pmcid)}`;
}

export function figuresBody(article: Article): string {
  if (!article.pmcid) return NOT_OPEN_ACCESS;
  return `_Figure count not available yet._ Figures with captions in the complete paper: ${pmcArticleUrl(article.pmcid)}`;
}

export function referencesBody(article: Article): string {
  if (!article.pmcid) return NOT_OPEN_ACCESS;
  return `_Reference count not available yet._ Full list in the complete paper: ${pmcArticleUrl(article.pmcid)}`;
}
