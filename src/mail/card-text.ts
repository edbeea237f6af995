import type { CardInput } from '../card/card-input.ts';
import { cardView, type CardBlock, type CardParagraph, type CardView } from '../card/card-view.ts';
import { cardInlineToText } from './render-inline.ts';
import { template } from './render-templates.ts';

/**
 * The card as plain text (templates/card/text.hbs): no Markdown marks, inline markup read out
 * (`Ca<sup>2+</sup>` as `Ca2+`), links written in full. Pure, like cardHtml.
 *
 * The view is turned into plain strings here, so the template only places them.
 *
 * @param view pass one already built to render the HTML part from the same summary.
 */
export function cardText(input: CardInput, view: CardView = cardView(input)): string {
  return template(
    'card',
    'text',
  )({
    title: cardInlineToText(view.title),
    authors: cardInlineToText(view.authors),
    sourceLine: cardInlineToText(view.sourceLine),
    sections: view.sections.map((section) => ({ heading: section.heading, body: section.blocks.map(blockText).join('\n\n') })),
    url: view.url,
    matched: view.matched.map(cardInlineToText).join(', '),
    notices: view.notices,
    pending: view.pending,
  });
}

function blockText(block: CardBlock): string {
  return 'list' in block ? block.list.map((item) => `- ${paragraphText(item)}`).join('\n') : paragraphText(block);
}

/** `note label: text url`, leaving out the parts a paragraph does not have. */
function paragraphText({ note, label, text, url }: CardParagraph): string {
  const words = [note, label && `${label}:`, text].filter((part): part is string => Boolean(part)).map(cardInlineToText);
  return [...words, url].filter(Boolean).join(' ');
}
