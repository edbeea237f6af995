import { Router, type Response } from 'express';
import type { WebContext } from './context.ts';
import { sendMessage, sendPage } from './layout.ts';
import { RateLimiter } from './rate-limit.ts';
import { EMPTY_SUBSCRIBE, isHoneypotFilled, parseSubscribe, subscribeValues, type SubscribeInput } from './subscribe-form.ts';
import { checkInboxPage, subscribePage } from './subscribe-views.ts';
import { subscribableWatches } from './watch-choices.ts';

const HOUR_MS = 3600_000;

/**
 * Sign-ups per client address per hour: room for a lab behind one NAT, not for a script.
 * Behind a reverse proxy, set Express's `trust proxy` so `req.ip` is the client, not the proxy.
 */
const POSTS_PER_IP_PER_HOUR = 20;

/** Confirmation emails per address per hour, so the form cannot be used to flood someone's inbox. */
const EMAILS_PER_ADDRESS_PER_HOUR = 3;

export function subscribeRouter(ctx: WebContext): Router {
  const perIp = new RateLimiter(POSTS_PER_IP_PER_HOUR, HOUR_MS);
  const perAddress = new RateLimiter(EMAILS_PER_ADDRESS_PER_HOUR, HOUR_MS);
  const router = Router();

  router.get('/subscribe', (_req, res) => {
    sendPage(res, subscribePage(subscribableWatches(ctx.config()), EMPTY_SUBSCRIBE));
  });

  router.post('/subscribe', async (req, res) => {
    const ipLimit = perIp.take(req.ip ?? 'unknown');
    if (!ipLimit.allowed) return sendTooMany(ctx, res, ipLimit.resetAt);
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
    if (perAddress.take(parsed.input.email.toLowerCase()).allowed) await requestSubscription(ctx, parsed.input);
    else ctx.log.warn({ event: 'subscribe.rate_limited', limit: 'address' }, 'too many sign-ups for one address; no confirmation sent');
    sendPage(res, checkInboxPage());
  });

  return router;
}

async function requestSubscription(ctx: WebContext, input: SubscribeInput): Promise<void> {
  const request = await ctx.subscribers.request(input);
  await ctx.sendConfirmation(request.id);
  ctx.log.info({ event: 'subscribe.requested', requestId: request.id }, 'subscription requested');
}

function sendTooMany(ctx: WebContext, res: Response, resetAt: number): void {
  ctx.log.warn({ event: 'subscribe.rate_limited', limit: 'ip' }, 'too many sign-ups from one client address');
  res.set('Retry-After', String(Math.max(1, Math.ceil((resetAt - Date.now()) / 1000))));
  sendMessage(res, 429, 'Too many requests', 'There have been many sign-ups from your network in the last hour. Please try again later.');
}
