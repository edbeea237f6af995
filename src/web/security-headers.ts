import type { RequestHandler } from 'express';
import { STYLE_SOURCE } from './layout.ts';

const HEADERS = {
  // No script anywhere; the one inline stylesheet is allowed by its hash; forms post back here only.
  'Content-Security-Policy': ["default-src 'none'", `style-src ${STYLE_SOURCE}`, "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"].join('; '),
  // Token pages carry the token in their URL: a Referer would hand it to any site a link leads to.
  'Referrer-Policy': 'no-referrer',
  // Every page is either reached with a personal token or echoes what someone typed: never
  // keep one in a shared cache or the browser's history cache.
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // No other site's window keeps a handle on ours, and no other site may embed our answers.
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set(HEADERS);
  next();
};
