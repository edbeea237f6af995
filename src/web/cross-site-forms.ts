import type { RequestHandler } from 'express';
import { sendMessage } from './layout.ts';

/**
 * Refuses a form POST another site made the browser send (CSRF). The preferences and confirm
 * forms post back to their own URL, token in the query, so a same-origin page is the only
 * legitimate sender.
 *
 * Why headers and not a CSRF token: the link token already is a per-subscriber secret that the
 * form carries, so a second token derived from it would protect nothing more against anyone who
 * has the link, and would need state or a second signature for nothing. What a token cannot stop
 * is a page elsewhere that holds a leaked link auto-submitting it in the reader's browser; the
 * browser says where a request comes from, so this refuses it:
 * - `Sec-Fetch-Site` (every current browser): only `same-origin` and `none` (typed, bookmarked)
 *   pass; `same-site` and `cross-site` are refused.
 * - Browsers too old to send it still send `Origin` on a POST: it must be this host, or the
 *   public URL's origin (behind a proxy that rewrites Host). `Origin: null` (sandboxed frames,
 *   privacy redirects) is refused.
 * - Neither header: not a browser (curl, a script) and so no CSRF; the token alone decides.
 * RFC 8058's one-click unsubscribe must work from anywhere and is not behind this.
 */
export function refuseCrossSiteForms(publicUrl: string): RequestHandler {
  const publicOrigin = new URL(publicUrl).origin;
  return (req, res, next) => {
    if (req.method !== 'POST') return next();
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const allowed =
      site !== undefined
        ? site === 'same-origin' || site === 'none'
        : origin === undefined || origin === publicOrigin || origin === `${req.protocol}://${req.get('host')}`;
    if (allowed) return next();
    res.set('Cache-Control', 'no-store');
    sendMessage(res, 403, 'This form was sent from another site', 'Nothing was changed. Open the link from your email and use the form on this page.');
  };
}
