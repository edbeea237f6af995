import type { RequestHandler } from 'express';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A browser sends Basic credentials with every request to the origin, including ones another
 * site makes it send: a hidden form posting to bull-board's API would act as the admin. So a
 * write must come from our own pages. Browsers say where a request comes from in
 * `Sec-Fetch-Site`; clients that do not send it (curl, scripts) are not browsers and are let
 * through on their credentials.
 */
export const refuseCrossSiteWrites: RequestHandler = (req, res, next) => {
  const site = req.get('sec-fetch-site');
  if (SAFE_METHODS.has(req.method) || site === undefined || site === 'same-origin' || site === 'none') return next();
  res.status(403).type('text/plain').send('Changes to litwatch admin must come from its own pages.');
};
