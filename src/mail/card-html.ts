import type { CardInput } from '../card/card-input.ts';
import { cardView, type CardView } from '../card/card-view.ts';
import { template } from './render-templates.ts';

/**
 * The card as an HTML fragment (templates/card/html.hbs, styles inlined), to sit in a digest's
 * layout. Pure: the same input gives the same fragment, so callers render it once per work.
 *
 * @param view pass one already built to render the text part from the same summary.
 */
export function cardHtml(input: CardInput, view: CardView = cardView(input)): string {
  // Link the title and Source line only to a real URL: a record without any identifier has `—`
  const href = view.url.startsWith('https://') ? view.url : undefined;
  return template('card', 'html')({ ...view, href });
}
