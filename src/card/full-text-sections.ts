import type { Article } from '../parse/article.ts';
import type { FullText } from '../parse/full-text.ts';
import { pmcArticleUrl } from './card-links.ts';

/**
 * Bodies of the Full text, Figures and References sections. With the PMC full text fetched they
 * give its counts; before that, or for an article PMC does not have, one italic line says why
 * there is nothing (CARD.md: a section with nothing to show keeps its heading).
 */

export const NOT_OPEN_ACCESS = '_Not open access: no full text in PMC._';

export function fullTextBody(article: Article, fullText?: FullText): string {
  if (!article.pmcid || (fullText && !fullText.hasBody)) return NOT_OPEN_ACCESS;
  const url = pmcArticleUrl(article.pmcid);
  if (!fullText) return `_Full text not fetched yet._ Read the complete paper in PMC: ${url}`;
  return `Read the complete paper in PMC: ${url}`;
}

export function figuresBody(article: Article, fullText?: FullText): string {
  if (!article.pmcid || (fullText && !fullText.hasBody)) return NOT_OPEN_ACCESS;
  const url = pmcArticleUrl(article.pmcid);
  if (!fullText) return `_Figure count not available yet._ Figures with captions in the complete paper: ${url}`;
  const n = fullText.figures.length;
  if (n === 0) return `_No figures with captions in the complete paper._ ${url}`;
  return `${n} ${n === 1 ? 'figure' : 'figures'} with captions in the complete paper: ${url}`;
}

export function referencesBody(article: Article, fullText?: FullText): string {
  if (!article.pmcid || (fullText && !fullText.hasBody)) return NOT_OPEN_ACCESS;
  const url = pmcArticleUrl(article.pmcid);
  if (!fullText) return `_Reference count not available yet._ Full list in the complete paper: ${url}`;
  const n = fullText.referenceCount;
  return `${n} ${n === 1 ? 'reference' : 'references'} — full list in the complete paper: ${url}`;
}
