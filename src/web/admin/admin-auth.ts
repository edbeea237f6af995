import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Env } from '../../config/env.ts';

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
 * challenge that makes a browser ask for them. Guesses are not rate-limited here: behind a
 * reverse proxy every client shares one address, so a limit would let anyone lock the admin
 * out; the password is 12+ characters (env.ts) and a proxy can limit by the real address.
 */
export function basicAuth(credentials: AdminCredentials): RequestHandler {
  const expectedUser = digest(credentials.user);
  const expectedPassword = digest(credentials.password);
  return (req, res, next) => {
    const given = basicCredentials(req.headers.authorization);
    // Both halves are compared every time (no short-circuit): the timing does not tell which was wrong.
    const userOk = given !== undefined && timingSafeEqual(digest(given.user), expectedUser);
    const passwordOk = given !== undefined && timingSafeEqual(digest(given.password), expectedPassword);
    if (userOk && passwordOk) return next();
    res.status(401).set('WWW-Authenticate', 'Basic realm="litwatch admin"').type('text/plain').send('The litwatch admin pages need the dashboard user name and password.');
  };
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
