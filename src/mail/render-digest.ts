import type { CardInput } from '../card/card-input.ts';
import { cardParts } from './render-card-parts.ts';
import { footerContext } from './render-footer.ts';
import { renderEmail } from './render-templates.ts';
import type { CardParts, DigestRenderRequest, RenderedEmail } from './render-types.ts';
import { cardInlineToHtml, cardInlineToText } from './render-inline.ts';
import { countOf, subjectWatches, watchList } from './render-words.ts';

/**
 * One digest email (templates/digest/): header, the cards grouped by watch and disease, the
 * "more" line, and the footer.
 *
 * @param renderCard gives each card's two parts. Cards are the costly part of a digest and the
 *   same work appears in many digests, so the sender passes a cached lookup (keyed by work);
 *   the default renders every card afresh.
 */
export function renderDigest(req: DigestRenderRequest, renderCard: (card: CardInput) => CardParts = cardParts): RenderedEmail {
  const notices = req.notices ?? [];
  const counted = [countOf(req.totalWorks, 'new publication'), ...(notices.length > 0 ? [countOf(notices.length, 'notice')] : [])];
  const headline = req.totalWorks === 0 && notices.length > 0 ? counted[1]! : counted.join(', ');
  const subject = `${subjectWatches(req.watchNames)}: ${headline}`;
  return renderEmail('digest', subject, {
    subject,
    preheader: `${headline} for ${watchList(req.watchNames)}, ${req.periodLabel}.`,
    header: { periodLabel: req.periodLabel, headline },
    groups: req.groups.map((group) => ({
      watchName: group.watchName,
      sections: group.sections.map((section) => ({ disease: section.disease, cards: section.cards.map(renderCard) })),
    })),
    more: req.more && { line: `and ${countOf(req.more.count, 'more publication')}: read them all at`, url: req.more.url },
    notices: notices.map((n) => ({ titleHtml: cardInlineToHtml(n.title), titleText: cardInlineToText(n.title), notice: n.notice, url: n.url })),
    footer: footerContext(req.watchNames, req.links),
  });
}
