import type { CardBlock, CardParagraph, CardView } from '../card/card-view.ts';
import { cardInlineToHtml } from '../mail/render-inline.ts';
import { html, SafeHtml } from './html.ts';

/** Card inline text (CARD.md) as page markup: italics and sub/superscripts kept, the rest escaped. */
export function inline(text: string): SafeHtml {
  return new SafeHtml(cardInlineToHtml(text));
}

/**
 * The whole card as a page writes it, in the seed's order (CARD.md): title, authors, source
 * line, every section under its heading (a section with nothing to show says why), then the
 * Source line and the lines a card may add (Matched, Notice, Pending).
 */
export function cardMarkup(view: CardView): SafeHtml {
  return html`<article class="card">
<h1>${inline(view.title)}</h1>
<p><strong>Authors:</strong> ${inline(view.authors)}</p>
<p class="meta">${inline(view.sourceLine)}</p>
${view.sections.map(
  (section) => html`<section>
<h2>${section.heading}</h2>
${section.blocks.map(block)}
</section>`,
)}
<hr>
<p>Source: ${view.url.startsWith('https://') ? html`<a href="${view.url}">${view.url}</a>` : view.url}</p>
${view.matched.length > 0 && html`<p>Matched: ${view.matched.map((name, i) => html`${i > 0 && ', '}${inline(name)}`)}</p>`}
${view.notices.map((notice) => html`<p><span class="badge">Notice</span> ${notice}</p>`)}
${view.pending && html`<p class="note">Pending: ${view.pending}</p>`}
</article>`;
}

function block(b: CardBlock): SafeHtml {
  return 'list' in b ? html`<ul>${b.list.map((item) => html`<li>${paragraph(item)}</li>`)}</ul>` : html`<p>${paragraph(b)}</p>`;
}

function paragraph({ note, label, text, url }: CardParagraph): SafeHtml {
  return html`${note && html`<em class="note">${inline(note)}</em> `}${label && html`<strong>${inline(label)}:</strong> `}${text && html`${inline(text)} `}${url && html`<a href="${url}">${url}</a>`}`;
}
