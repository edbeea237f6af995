import type { CardInput } from '../card/card-input.ts';
import { pmcArticleUrl, pubmedUrl } from '../card/card-links.ts';
import { cardView } from '../card/card-view.ts';
import { cardInlineToText } from '../mail/render-inline.ts';
import { cardMarkup } from './card-markup.ts';
import { html, type SafeHtml } from './html.ts';
import type { Page } from './layout.ts';

/**
 * A work's public page, `/works/<key>`: its full card, and the record in PubMed, PMC and at its
 * DOI. Works are public records, so the page needs no login; it says nothing about who
 * subscribes to what, or who received the work.
 */
export function workPage(card: CardInput): Page {
  const view = cardView(card);
  return {
    title: cardInlineToText(view.title),
    body: html`${cardMarkup(view)}
<h2>The record elsewhere</h2>
<p class="links">${recordLinks(card)}</p>`,
  };
}

function recordLinks({ article }: CardInput): SafeHtml[] {
  return [
    article.pmid && html`<a href="${pubmedUrl(article.pmid)}">PubMed</a>`,
    article.pmcid && html`<a href="${pmcArticleUrl(article.pmcid)}">PMC</a>`,
    article.doi && html`<a href="${`https://doi.org/${article.doi}`}">DOI</a>`,
  ].filter((link): link is SafeHtml => Boolean(link));
}
