import type { DigestEntryView } from '../digest/entry-view.ts';
import { cardInlineToText } from './render-inline.ts';
import { template } from './render-templates.ts';
import type { CardParts } from './render-types.ts';

/**
 * One digest entry in both parts (templates/digest-entry/): a table row of HTML, styles inlined,
 * and a few lines of text. Pure, so a digest run renders each entry once and every digest
 * that lists it reuses the strings.
 */
export function renderDigestEntry(view: DigestEntryView): CardParts {
  // A chip breaks between chips, never inside one ("lung / adenocarcinoma" on two lines).
  const html = template('digest-entry', 'html')({ ...view, chips: view.chips.map((chip) => chip.replaceAll(' ', '\u00a0')) });
  const text = template(
    'digest-entry',
    'text',
  )({
    title: cardInlineToText(view.title),
    url: view.url,
    authors: cardInlineToText(view.authors),
    meta: cardInlineToText(view.meta),
    tldr: view.tldr && cardInlineToText(view.tldr),
    chips: view.chips.map(cardInlineToText).join(' · '),
    badges: view.badges.join(', ').toUpperCase(),
    access: view.openAccess ? 'Open access' : 'Not open access',
    watch: cardInlineToText(view.watch),
  });
  return { html, text };
}
