import express, { type Router } from 'express';
import { assembleDigest } from '../digest/assemble-digest.ts';
import { DigestRun } from '../digest/compose-digest.ts';
import type { Services } from '../services.ts';
import { countOf } from '../mail/render-words.ts';
import { entryGroupsMarkup } from './entry-markup.ts';
import { html } from './html.ts';
import { sendMessage, sendPage } from './layout.ts';
import { securityHeaders } from './security-headers.ts';

/**
 * `/digests/:id`: every work a digest delivered, where the email's "Read all N on the web" link
 * leads; each entry links to its work's page. The id is the capability: 96 random-looking bits,
 * derived from the subscriber and period, never listed anywhere public; the page shows no
 * address and no link that acts for the subscriber.
 */
export function digestPageRouter(services: Services): Router {
  const router = express.Router();
  router.get('/digests/:id', securityHeaders, async (req, res) => {
    const id = String(req.params.id);
    const digest = /^dg-[0-9a-f]{24}$/.test(id) ? await services.digests.get(id) : undefined;
    const subscriber = digest ? await services.subscribers.get(digest.subscriberId) : undefined;
    if (!digest || !subscriber) {
      sendMessage(res, 404, 'No such digest', 'This digest does not exist (any more). Every digest email links to its own page.');
      return;
    }
    const run = new DigestRun(services, new Date(digest.createdAt));
    const candidates = await run.loader.forKeys(digest.workKeys);
    const names = new Map(services.config().watches.map((w) => [w.id, w.name]));
    const assembled = assembleDigest({ watches: subscriber.watches, filters: {} }, candidates, new Set(), names, Number.MAX_SAFE_INTEGER, run.entryFor);
    sendPage(res, {
      title: `Your digest, ${digest.period}`,
      body: html`<h1>Your digest, ${digest.period}</h1>
<p>All ${countOf(assembled.workKeys.length, 'publication')} of this digest, grouped by watch and disease. Each title opens the work's full card.</p>
${entryGroupsMarkup(assembled.groups)}`,
    });
  });
  return router;
}
