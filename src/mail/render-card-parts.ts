import type { CardInput } from '../card/card-input.ts';
import { cardView } from '../card/card-view.ts';
import { cardHtml } from './card-html.ts';
import { cardText } from './card-text.ts';
import type { CardParts } from './render-types.ts';

/** Both parts of one card from one view (one summary). What a digest caches per work. */
export function cardParts(input: CardInput): CardParts {
  const view = cardView(input);
  return { html: cardHtml(input, view), text: cardText(input, view) };
}
