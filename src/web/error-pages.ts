import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../log.ts';
import { html } from './html.ts';
import { sendMessage } from './layout.ts';
import { PAGES } from './links.ts';

export const notFound: RequestHandler = (_req, res) => {
  sendMessage(res, 404, 'Page not found', html`There is nothing at this address. To get digests, <a href="${PAGES.subscribe}">subscribe</a>.`);
};

/**
 * Client errors raised by Express itself (a body over the size limit, a malformed body) keep
 * their status; anything else is our fault: logged, and a 500 page that leaks no details.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    const status = clientErrorStatus(err);
    if (status !== undefined) return sendMessage(res, status, 'This request could not be read', 'Go back to the form and try again.');
    log.error({ err, event: 'web.error' }, 'web request failed');
    sendMessage(res, 500, 'Something went wrong', 'The error is logged for the administrator. Please try again in a few minutes.');
  };
}

function clientErrorStatus(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}
