import type { Request, Response } from 'express';
import type { TokenAction } from '../mail/link-tokens.ts';
import type { WebContext } from './context.ts';
import { html } from './html.ts';
import { sendMessage } from './layout.ts';
import { CONFIRM_LINK_HOURS, PAGES } from './links.ts';

export interface VerifiedToken {
  token: string;
  /** The request id (`confirm`) or subscriber id the token was signed for. */
  subject: string;
}

/**
 * The `token` query parameter of a token page, verified for `action`. Every token page reads it
 * from the query for GET and POST alike, so the one-click POST to the List-Unsubscribe URL
 * (RFC 8058) needs nothing else. When it does not verify, this answers and returns undefined:
 * 400 for a forged or altered token or one for another page, 410 for an authentic expired one.
 */
export function verifiedToken(ctx: WebContext, req: Request, res: Response, action: TokenAction): VerifiedToken | undefined {
  const token = typeof req.query.token === 'string' ? req.query.token : '';
  const payload = ctx.tokens.verify(token, action);
  if (payload) return { token, subject: payload.subject };
  // At time 0 nothing has expired yet, so this checks the signature alone.
  const expired = ctx.tokens.verify(token, action, 0) !== undefined;
  ctx.log.info({ event: 'web.token_refused', action, reason: expired ? 'expired' : 'invalid' }, 'link token refused');
  if (expired) sendLinkExpired(res, action);
  else sendLinkInvalid(res);
  return undefined;
}

function sendLinkInvalid(res: Response): void {
  sendMessage(
    res,
    400,
    'This link does not work',
    'Part of the link may have been lost when it was copied. Open it again from the email, or copy the whole address.',
  );
}

/** 410 Gone: the link was real, but what it pointed to (a request, a subscription) is no more. */
export function sendLinkExpired(res: Response, action: TokenAction): void {
  if (action === 'confirm') {
    sendMessage(
      res,
      410,
      'This confirmation link has expired or was already used',
      html`Confirmation links work once, for ${CONFIRM_LINK_HOURS} hours. If you are not getting digests yet, <a href="${PAGES.subscribe}">subscribe again</a>.`,
    );
  } else {
    sendMessage(res, 410, 'This link has expired', html`Use the link in your most recent digest, or <a href="${PAGES.subscribe}">subscribe again</a>.`);
  }
}
