import { Router } from 'express';
import type { WebContext } from './context.ts';
import { html } from './html.ts';
import { sendMessage, sendPage } from './layout.ts';
import { PAGES, pageWithToken } from './links.ts';
import { verifiedToken } from './token-check.ts';

/**
 * The List-Unsubscribe URL of every digest. GET only shows a button, because mail scanners
 * follow links; POST is RFC 8058's one-click action: the signed token in the query is all it
 * needs (no cookie, session or CSRF token), whatever the body (mail providers send
 * `List-Unsubscribe=One-Click` as multipart/form-data or urlencoded), and it is idempotent.
 */
export function unsubscribeRouter(ctx: WebContext): Router {
  const router = Router();

  router.get('/unsubscribe', (req, res) => {
    const verified = verifiedToken(ctx, req, res, 'unsubscribe');
    if (!verified) return;
    sendPage(res, {
      title: 'Unsubscribe',
      body: html`<h1>Unsubscribe</h1>
<p>Stop all litwatch digests to this address?</p>
<form method="post" action="${pageWithToken('unsubscribe', verified.token)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>`,
    });
  });

  router.post('/unsubscribe', async (req, res) => {
    const verified = verifiedToken(ctx, req, res, 'unsubscribe');
    if (!verified) return;
    const subscriber = await ctx.subscribers.get(verified.subject);
    // Already unsubscribed, or removed by the admin: the answer is the same 200, nothing to do.
    if (subscriber && subscriber.status !== 'unsubscribed') {
      await ctx.subscribers.unsubscribe(subscriber.id);
      ctx.log.info({ event: 'subscriber.unsubscribed', subscriberId: subscriber.id }, 'unsubscribed');
      await ctx.announceChange();
    }
    sendMessage(
      res,
      200,
      'You are unsubscribed',
      html`No more digests will be sent to this address. Changed your mind? <a href="${PAGES.subscribe}">Subscribe again</a>.`,
    );
  });

  return router;
}
