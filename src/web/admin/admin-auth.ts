import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Env } from '../../config/env.ts';
import type { LoginThrottle } from './login-throttle.ts';

export interface AdminCredentials {
  user: string;
  password: string;
}

/** Whether /admin is served, and if not, a sentence saying why (for the log and the CLI). */
export type AdminAccess = { enabled: true; credentials: AdminCredentials } | { enabled: false; reason: string };

export function adminAccess(env: Pick<Env, 'DASHBOARD_USER' | 'DASHBOARD_PASSWORD'>): AdminAccess {
  const { DASHBOARD_USER: user, DASHBOARD_PASSWORD: password } = env;
  if (user && password) return { enabled: true, credentials: { user, password } };
  const missing = [!user && 'DASHBOARD_USER', !password && 'DASHBOARD_PASSWORD'].filter(Boolean).join(' and ');
  return { enabled: false, reason: `${missing} not set; /admin needs both (the password 12+ characters, e.g. \`openssl rand -base64 18\`)` };
}

/**
 * HTTP Basic authentication for /admin. Without credentials, or with wrong ones, a 401 with the
 * challenge that makes a browser ask for them. Wrong guesses go through `throttle`, per client
 * address (login-throttle.ts): after a few, each 401 is held longer; after more, the address gets
 * 429 with Retry-After for a while, even with the right password. A request without
 * credentials (a browser's first visit) is no guess and is not counted.
 */
export function basicAuth(credentials: AdminCredentials, throttle: LoginThrottle): RequestHandler {
  const expectedUser = digest(credentials.user);
  const expectedPassword = digest(credentials.password);
  return async (req, res, next) => {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const locked = await throttle.refused(address);
    if (locked?.refused) return refuse(res, locked.retryAfterMs);
    const given = basicCredentials(req.headers.authorization);
    // Both halves are compared every time (no short-circuit): the timing does not tell which was wrong.
    const userOk = given !== undefined && timingSafeEqual(digest(given.user), expectedUser);
    const passwordOk = given !== undefined && timingSafeEqual(digest(given.password), expectedPassword);
    if (userOk && passwordOk) return next();
    const challenge = () =>
      void res
        .status(401)
        .set('WWW-Authenticate', 'Basic realm="litwatch admin"')
        .type('text/plain')
        .send('The litwatch admin pages need the dashboard user name and password.');
    if (req.headers.authorization === undefined) return challenge();
    // Counted now, before any wait, so parallel guesses are all counted.
    const verdict = await throttle.fail(address);
    if (verdict.refused) return refuse(res, verdict.retryAfterMs);
    if (verdict.delayMs === 0) return challenge();
    setTimeout(challenge, verdict.delayMs).unref();
  };
}

function refuse(res: Response, retryAfterMs: number): void {
  res
    .status(429)
    .set('Retry-After', String(Math.ceil(retryAfterMs / 1000)))
    .type('text/plain')
    .send('Too many wrong dashboard passwords from this address; try again later.');
}

/** Hashing first gives buffers of equal length, so the comparison cannot leak the secret's length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** `Authorization: Basic base64(user:password)`; the password may itself contain `:` (RFC 7617). */
function basicCredentials(header: string | undefined): AdminCredentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
