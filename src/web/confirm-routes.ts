import { Router } from 'express';
import type { WebContext } from './context.ts';
import { confirmedPage, confirmPage } from './confirm-views.ts';
import { sendPage } from './layout.ts';
import { sendLinkExpired, verifiedToken } from './token-check.ts';
import { watchNames } from './watch-choices.ts';

export function confirmRouter(ctx: WebContext): Router {
  const router = Router();

  // Only shows the request: GET must change nothing, since mail scanners open links.
  router.get('/confirm', async (req, res) => {
    const verified = verifiedToken(ctx, req, res, 'confirm');
    if (!verified) return;
    const request = await ctx.subscribers.getRequest(verified.subject);
    if (!request) return sendLinkExpired(res, 'confirm');
    sendPage(res, confirmPage(request, watchNames(ctx.config(), request.watches), verified.token));
  });

  router.post('/confirm', async (req, res) => {
    const verified = verifiedToken(ctx, req, res, 'confirm');
    if (!verified) return;
    // confirm() takes the request atomically, so a second click finds it gone.
    const subscriber = await ctx.subscribers.confirm(verified.subject);
    if (!subscriber) return sendLinkExpired(res, 'confirm');
    ctx.log.info({ event: 'subscribe.confirmed', requestId: verified.subject, subscriberId: subscriber.id }, 'subscription confirmed');
    await ctx.announceChange();
    sendPage(res, confirmedPage(ctx.links.preferencesUrl(subscriber.id)));
  });

  return router;
}
