import { renderEmail } from './render-templates.ts';
import type { ConfirmRenderRequest, RenderedEmail } from './render-types.ts';
import { countOf, watchList } from './render-words.ts';

const SUBJECT = 'Confirm your litwatch subscription';

/**
 * The double opt-in email (templates/confirm/): what was asked for, the link, how long it
 * works, and that ignoring it is safe. It has no footer links: there is no subscriber yet.
 */
export function renderConfirm(req: ConfirmRenderRequest): RenderedEmail {
  const expiry = `The link expires in ${countOf(req.expiresInHours, 'hour')}.`;
  return renderEmail('confirm', SUBJECT, {
    subject: SUBJECT,
    preheader: `Confirm to start your ${req.frequency} digest. ${expiry}`,
    header: { headline: 'Confirm your subscription' },
    request: `You asked for a ${req.frequency} litwatch digest of new publications for ${watchList(req.watchNames)}.`,
    confirmUrl: req.confirmUrl,
    expiry,
    ignore: 'If you did not ask for this, ignore this email: nothing happens, and you will not hear from litwatch again.',
  });
}
