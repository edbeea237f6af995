import { Router, type Request, type Response } from 'express';
import type { Subscriber } from '../store/subscriber-store.ts';
import type { WebContext } from './context.ts';
import { sendPage } from './layout.ts';
import { parsePreferences, preferencesValues, subscriberValues } from './preferences-form.ts';
import { preferencesPage, type PreferencesView } from './preferences-views.ts';
import { sendLinkExpired, verifiedToken } from './token-check.ts';
import { preferenceWatches } from './watch-choices.ts';

export function preferencesRouter(ctx: WebContext): Router {
  const router = Router();

  router.get('/preferences', async (req, res) => {
    const found = await findSubscriber(ctx, req, res);
    if (!found) return;
    sendPage(res, preferencesPage(view(ctx, found.subscriber, found.token)));
  });

  router.post('/preferences', async (req, res) => {
    const found = await findSubscriber(ctx, req, res);
    if (!found) return;
    const base = view(ctx, found.subscriber, found.token);
    const offered = base.watches.map((watch) => watch.id);
    const values = preferencesValues(req.body, offered);
    const parsed = parsePreferences(values, offered);
    if (!parsed.ok) return sendPage(res, preferencesPage({ ...base, values, errors: parsed.errors }));
    const updated = await ctx.subscribers.update(found.subscriber.id, parsed.patch);
    if (!updated) return sendLinkExpired(res, 'preferences');
    ctx.log.info({ event: 'subscriber.preferences_saved', subscriberId: updated.id, status: updated.status }, 'preferences saved');
    await ctx.announceChange();
    sendPage(res, preferencesPage({ ...view(ctx, updated, found.token), saved: true }));
  });

  return router;
}

/** The subscriber the token names; otherwise the page answered 400 or 410 already. */
async function findSubscriber(ctx: WebContext, req: Request, res: Response): Promise<{ subscriber: Subscriber; token: string } | undefined> {
  const verified = verifiedToken(ctx, req, res, 'preferences');
  if (!verified) return undefined;
  const subscriber = await ctx.subscribers.get(verified.subject);
  if (!subscriber) sendLinkExpired(res, 'preferences');
  return subscriber && { subscriber, token: verified.token };
}

function view(ctx: WebContext, subscriber: Subscriber, token: string): PreferencesView {
  return {
    subscriber,
    watches: preferenceWatches(ctx.config(), subscriber.watches),
    values: subscriberValues(subscriber),
    token,
    unsubscribeUrl: ctx.links.unsubscribeUrl(subscriber.id),
  };
}
