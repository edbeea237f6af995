import express, { type Router } from 'express';
import { assembleDigest } from '../digest/assemble-digest.ts';
import { DigestRun } from '../digest/compose-digest.ts';
import { renderDigest } from '../mail/render-digest.ts';
import type { Services } from '../services.ts';

/**
 * `/digests/:id`: a digest in the browser with every work it delivered, where the email's
 * "and N more" line leads. The id is the capability: 96 random-looking bits, derived from the
 * subscriber and period, never listed anywhere public.
 */
export function digestPageRouter(services: Services): Router {
  const router = express.Router();
  router.get('/digests/:id', async (req, res) => {
    const digest = /^dg-[0-9a-f]{24}$/.test(req.params.id) ? await services.digests.get(req.params.id) : undefined;
    const subscriber = digest ? await services.subscribers.get(digest.subscriberId) : undefined;
    if (!digest || !subscriber) {
      res.status(404).type('text/plain').send('No such digest.');
      return;
    }
    const run = new DigestRun(services, new Date(digest.createdAt));
    const candidates = await run.loader.forKeys(digest.workKeys);
    const names = new Map(services.config().watches.map((w) => [w.id, w.name]));
    const assembled = assembleDigest({ watches: subscriber.watches, filters: {} }, candidates, new Set(), names, Number.MAX_SAFE_INTEGER);
    const page = renderDigest(
      { periodLabel: digest.period, watchNames: subscriber.watches.map((w) => names.get(w) ?? w), totalWorks: assembled.workKeys.length, groups: assembled.groups, links: run.links(subscriber.id) },
      run.renderCard,
    );
    // The email's HTML: styles are inline attributes, so this page allows inline styles and nothing else.
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'none'");
    res.type('html').send(page.html);
  });
  return router;
}
