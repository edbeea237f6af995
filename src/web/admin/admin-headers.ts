import type { RequestHandler } from 'express';
import { STYLE_SOURCE } from '../layout.ts';
import { ADMIN_STYLE_SOURCE } from './admin-layout.ts';

/** The admin pages: no script, no forms, only the two stylesheets, allowed by their hashes. */
const ADMIN_POLICY = [
  "default-src 'none'",
  `style-src ${STYLE_SOURCE} ${ADMIN_STYLE_SOURCE}`,
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
];

/**
 * Cards are the email's HTML, styled by `style` attributes: those are allowed (CSS cannot run
 * code), `<style>` elements still only by hash, and script still not at all. Its search box
 * submits to this origin (a GET). A browser without
 * `style-src-attr` shows the cards unstyled, still readable.
 */
const CARDS_POLICY = [...ADMIN_POLICY.filter((d) => !d.startsWith('form-action')), "form-action 'self'", "style-src-attr 'unsafe-inline'"];

/**
 * bull-board is a React app served from its own `static/` folder: scripts (and its syntax
 * highlighting worker) from this origin only, never inline (its UI config is a JSON data block,
 * which is not script); its loading screen and components use inline styles. `<base href>` is
 * how it finds its assets. Its Google Fonts stylesheet is refused on purpose: the admin's
 * browser should not call Google, and the UI falls back to system fonts.
 */
const BULL_BOARD_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
];

function withPolicy(directives: readonly string[]): RequestHandler {
  const value = directives.join('; ');
  return (_req, res, next) => {
    res.set('Content-Security-Policy', value);
    next();
  };
}

export const adminPolicy = withPolicy(ADMIN_POLICY);
export const cardsPolicy = withPolicy(CARDS_POLICY);
export const bullBoardPolicy = withPolicy(BULL_BOARD_POLICY);
