import express from 'express';
import { confirmRouter } from './confirm-routes.ts';
import { refuseCrossSiteForms } from './cross-site-forms.ts';
import { webContext, type WebDeps } from './context.ts';
import { errorHandler, notFound } from './error-pages.ts';
import { preferencesRouter } from './preferences-routes.ts';
import { securityHeaders } from './security-headers.ts';
import { subscribeRouter } from './subscribe-routes.ts';
import { unsubscribeRouter } from './unsubscribe-routes.ts';

export type { WebDeps } from './context.ts';

/** The forms are a few fields; anything bigger is not from them. */
const BODY_LIMIT = '16kb';

/**
 * The public subscription pages: subscribe, confirm, preferences, unsubscribe. The app ends
 * with a 404 page, so other routes (health, metrics) go on a parent app ahead of this one.
 * Behind a reverse proxy, set `app.set('trust proxy', …)` so rate limits see client addresses.
 */
export function createWebApp(deps: WebDeps): express.Express {
  const ctx = webContext(deps);
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  // Flat field names only (`extended: false`): no nested objects to trip over.
  app.use(express.urlencoded({ extended: false, limit: BODY_LIMIT, parameterLimit: 500 }));
  // The forms that change a subscription or send mail; one-click unsubscribe stays open to any
  // sender (RFC 8058). A cross-site sign-up would make a hostile page's visitors mail strangers.
  app.use(['/subscribe', '/preferences', '/confirm'], refuseCrossSiteForms(deps.publicUrl));
  app.use(subscribeRouter(ctx), confirmRouter(ctx), preferencesRouter(ctx), unsubscribeRouter(ctx));
  app.use(notFound);
  app.use(errorHandler(ctx.log));
  return app;
}
