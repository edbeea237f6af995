import express, { type Router } from 'express';
import { loadCardInput } from '../card/load-card-input.ts';
import type { Services } from '../services.ts';
import { html } from './html.ts';
import { sendMessage, sendPage } from './layout.ts';
import { PAGES } from './links.ts';
import { securityHeaders } from './security-headers.ts';
import { workPage } from './work-page.ts';

/** Public pages may be cached by browsers and proxies for a few minutes: they hold no personal data. */
export const PUBLIC_CACHE = 'public, max-age=300';

/**
 * `/works/<key>`, the key URL-encoded as one path segment (a DOI's `/` as `%2F`, as litwatch
 * writes its links); a key typed with its `/` as it is works too.
 */
export function workRouter(services: Services): Router {
  const router = express.Router();
  router.get('/works/*key', securityHeaders, async (req, res) => {
    const key = [req.params.key ?? []].flat().join('/');
    const work = key ? await services.works.get(key) : undefined;
    if (!work) {
      sendMessage(
        res,
        404,
        'No such work',
        html`litwatch has no work stored under this address. To get new works by email, <a href="${`${services.env.LITWATCH_PUBLIC_URL}/${PAGES.subscribe}`}">subscribe</a>.`,
      );
      return;
    }
    const card = await loadCardInput(work, services.enrichment, services.config(), services.notices);
    res.set('Cache-Control', PUBLIC_CACHE);
    sendPage(res, workPage(card));
  });
  return router;
}
