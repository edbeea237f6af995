import type { Article } from '../parse/article.ts';
import type { FullText } from '../parse/full-text.ts';
import { pmcArticleUrl } from './card-links.ts';
import type { CardBlock, CardParagraph } from './card-view.ts';

/**
 * Bodies of the Full text, Figures and References sections. With the PMC full text fetched they
 * give its counts; before that, or for an article PMC does not have, an italic note says why
 * there is nothing (CARD.md: a section with nothing to show keeps its heading).
 */

export const NOT_OPEN_ACCESS: CardParagraph = { note: 'Not open access: no full text in PMC.' };

export function fullTextBody(article: Article, fullText?: FullText): CardBlock[] {
  if (!article.pmcid || (fullText && !fullText.hasBody)) return [NOT_OPEN_ACCESS];
  const url = pmcArticleUrl(article.pmcid);
  const text = 'Read the complete paper in PMC:';
  if (!fullText) return [{ note: 'Full text not fetched yet.', text, url }];
  return [{ text, url }];
}

export function figuresBody(article: Article, fullText?: FullText): CardBlock[] {
  if (!article.pmcid || (fullText && !fullText.hasBody)) return [NOT_OPEN_ACCESS];
  const url = pmcArticleUrl(article.pmcid);
  if (!fullText) return [{ note: 'Figure count not available yet.', text: 'Figures with captions in the complete paper:', url }];
  const n = fullText.figures.length;
  if (n === 0) return [{ note: 'No figures with captions in the complete paper.', url }];
  return [{ text: `${n} ${n === 1 ? 'figure' : 'figures'} with captions in the complete paper:`, url }];
}

export function referencesBody(article: Article, fullText?: FullText): CardBlock[] {
  if (!article.pmcid || (fullText && !fullText.hasBody)) return [NOT_OPEN_ACCESS];
  const url = pmcArticleUrl(article.pmcid);
  if (!fullText) return [{ note: 'Reference count not available yet.', text: 'Full list in the complete paper:', url }];
  const n = fullText.referenceCount;
  return [{ text: `${n} ${n === 1 ? 'reference' : 'references'} — full list in the complete paper:`, url }];
}
