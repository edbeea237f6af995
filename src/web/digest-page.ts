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
 * How digest pages were addressed until their links were signed: the bare digest id, which
 * anyone holding one of the reader's unsubscribe or preferences links could compute for any
 * period (sha256 of subscriber id and period).
 */
const BARE_DIGEST_ID = /^dg-[0-9a-f]{24}$/;

/**
 * `/digests/:token`: every work a digest delivered, where the email's "Read all N on the web"
 * link leads; each entry links to its work's page. The token (links.ts `digestUrl`) is the
 * capability: the digest id signed with LITWATCH_SECRET, so no other link, and no id, leads to
 * it. The page shows no address and no link that acts for the subscriber.
 */
export function digestPageRouter(services: Services): Router {
  const router = express.Router();
  router.get('/digests/:token', securityHeaders, async (req, res) => {
    const token = String(req.params.token);
    // Links mailed before digest links were signed: the same answer whether or not the digest
    // exists, since these ids can be derived and so prove nothing. Each work of that email still
    // links to its own page.
    if (BARE_DIGEST_ID.test(token)) {
      sendMessage(
        res,
        410,
        'This digest link no longer works',
        'Digest pages now have signed links, and this one is from an older email. Every work in that email still links to its own page; later digests link to their page as before.',
      );
      return;
    }
    const id = services.tokens?.verify(token, 'digest')?.subject;
    const digest = id ? await services.digests.get(id) : undefined;
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
