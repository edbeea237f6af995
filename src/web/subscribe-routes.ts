import { Router, type Response } from 'express';
import type { WebContext } from './context.ts';
import { sendMessage, sendPage } from './layout.ts';
import { addressKey } from './client-network.ts';
import { EMPTY_SUBSCRIBE, isHoneypotFilled, parseSubscribe, subscribeValues, type SubscribeInput } from './subscribe-form.ts';
import { checkInboxPage, subscribePage } from './subscribe-views.ts';
import { subscribableWatches } from './watch-choices.ts';

/**
 * The sign-up form. Its limits (signup-limits.ts) are counted in Redis: per client network (an
 * IPv4 address or IPv6 /64; behind a reverse proxy, TRUST_PROXY makes `req.ip` the client's) and
 * per mailbox (case, `+tags` ignored). Cross-site posts are refused in app.ts.
 */
export function subscribeRouter(ctx: WebContext): Router {
  const router = Router();

  router.get('/subscribe', (_req, res) => {
    sendPage(res, subscribePage(subscribableWatches(ctx.config()), EMPTY_SUBSCRIBE));
  });

  router.post('/subscribe', async (req, res) => {
    const networkLimit = await ctx.signupLimits.takePost(addressKey(req.ip ?? req.socket.remoteAddress ?? 'unknown'));
    if (!networkLimit.allowed) return sendTooMany(ctx, res, networkLimit.retryAfterMs);
    // A bot gets the answer a person gets, so it has nothing to learn from.
    if (isHoneypotFilled(req.body)) {
      ctx.log.info({ event: 'subscribe.honeypot' }, 'subscription with the honeypot field filled ignored');
      return sendPage(res, checkInboxPage());
    }
    const watches = subscribableWatches(ctx.config());
    const values = subscribeValues(req.body);
    const parsed = parseSubscribe(
      values,
      watches.map((watch) => watch.id),
    );
    if (!parsed.ok) return sendPage(res, subscribePage(watches, values, parsed.errors));
    // Over the per-address limit the page still says "check your inbox": a different answer
    // would tell a stranger that someone asked for this address lately.
    await requestSubscription(ctx, parsed.input);
    sendPage(res, checkInboxPage());
  });

  return router;
}

/**
 * Stores the request and queues its confirmation email while the mailbox has one left today. The
 * quick look first spares the database a request that would not be mailed; taking one for the
 * request's id is what decides, atomically, when several sign-ups race (the send job takes the
 * same one again, so a mail sent any other way counts too).
 */
async function requestSubscription(ctx: WebContext, input: SubscribeInput): Promise<void> {
  if (!(await ctx.signupLimits.exhausted(input.email))) {
    const request = await ctx.subscribers.request(input);
    if (await ctx.signupLimits.takeConfirmation(input.email, request.id)) {
      await ctx.sendConfirmation(request.id);
      ctx.log.info({ event: 'subscribe.requested', requestId: request.id }, 'subscription requested');
      return;
    }
  }
  ctx.log.warn({ event: 'subscribe.rate_limited', limit: 'address' }, 'too many confirmation emails for one address today; none sent');
}

function sendTooMany(ctx: WebContext, res: Response, retryAfterMs: number): void {
  ctx.log.warn({ event: 'subscribe.rate_limited', limit: 'network' }, 'too many sign-ups from one client network');
  res.set('Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  sendMessage(res, 429, 'Too many requests', 'There have been many sign-ups from your network in the last hour. Please try again later.');
}
