import { footerContext } from './render-footer.ts';
import { renderEmail } from './render-templates.ts';
import type { EmptyDigestRenderRequest, RenderedEmail } from './render-types.ts';
import { subjectWatches, watchList } from './render-words.ts';

const PERIOD_WORDS = { daily: 'today', weekly: 'this week' } as const;

/** "No new publications" (templates/digest-empty/), for subscribers who asked to hear even then. */
export function renderEmptyDigest(req: EmptyDigestRenderRequest): RenderedEmail {
  const when = req.frequency ? ` ${PERIOD_WORDS[req.frequency]}` : '';
  const subject = `${subjectWatches(req.watchNames)}: no new publications${when}`;
  return renderEmail('digest-empty', subject, {
    subject,
    preheader: `Nothing new for ${watchList(req.watchNames)}, ${req.periodLabel}.`,
    header: { periodLabel: req.periodLabel, headline: 'No new publications' },
    message: `No new publications matched ${watchList(req.watchNames)} for ${req.periodLabel}.`,
    // Why a subscriber gets an email with nothing in it, and how to stop them
    optIn: 'You asked to be told even when there is nothing new; you can turn that off in your preferences.',
    footer: footerContext(req.watchNames, req.links),
  });
}
