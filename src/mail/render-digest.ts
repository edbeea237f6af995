import type { DigestEntryView } from '../digest/entry-view.ts';
import { renderDigestEntry } from './render-digest-entry.ts';
import { footerContext } from './render-footer.ts';
import { renderEmail } from './render-templates.ts';
import type { CardParts, DigestRenderRequest, RenderedEmail } from './render-types.ts';
import { cardInlineToHtml, cardInlineToText } from './render-inline.ts';
import { countOf, subjectWatches, watchList } from './render-words.ts';

/**
 * One digest email (templates/digest/): header, compact entries grouped by watch and disease,
 * the "read all N on the web" link when not every work is shown, and the footer.
 *
 * @param renderEntry gives each entry's two parts. Entries are the costly part of a digest and
 *   the same work appears in many digests, so a digest run passes a cached lookup; the default
 *   renders every entry afresh.
 */
export function renderDigest(req: DigestRenderRequest, renderEntry: (entry: DigestEntryView) => CardParts = renderDigestEntry): RenderedEmail {
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
      sections: group.sections.map((section) => ({ disease: section.disease, entries: section.entries.map(renderEntry) })),
    })),
    more: req.more && { line: `Read all ${req.totalWorks} on the web`, url: req.more.url, note: moreNote(req.more) },
    notices: notices.map((n) => ({ titleHtml: cardInlineToHtml(n.title), titleText: cardInlineToText(n.title), notice: n.notice, url: n.url })),
    footer: footerContext(req.watchNames, req.links),
  });
}

/** "10 more publications are not in this email, 1 of them for its size." */
function moreNote({ notShown, tooLarge }: NonNullable<DigestRenderRequest['more']>): string | undefined {
  if (!notShown) return undefined;
  const size = tooLarge ? `, ${tooLarge} of them for ${tooLarge === 1 ? 'its' : 'their'} size` : '';
  return `${countOf(notShown, 'more publication')} ${notShown === 1 ? 'is' : 'are'} not in this email${size}.`;
}
