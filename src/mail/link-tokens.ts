import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed tokens for the links in emails (confirm, preferences, unsubscribe, a digest's page). A
 * token names what it allows and for whom; it is `base64url(payload).base64url(HMAC-SHA256)` with
 * a secret from the environment (LITWATCH_SECRET), so a forged or altered token is refused, and
 * no address appears in a link. Nothing in one token lets anyone make another: the ids a token
 * carries (random subscriber and request ids, a digest id) open nothing by themselves, since
 * every page that acts or shows something for a reader asks for a token signed for it.
 */
export type TokenAction = 'confirm' | 'preferences' | 'unsubscribe' | 'digest';

export interface TokenPayload {
  action: TokenAction;
  /** Subscriber id; subscription request id for `confirm`; digest id for `digest`. */
  subject: string;
  /** Expiry, seconds since the epoch; unsubscribe links never expire (RFC 8058 asks they keep working). */
  expires?: number;
}

export class LinkTokens {
  private readonly secret: Buffer;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('LITWATCH_SECRET must be at least 32 characters (e.g. `openssl rand -hex 32`)');
    this.secret = Buffer.from(secret, 'utf8');
  }

  sign(payload: TokenPayload): string {
    const body = Buffer.from(JSON.stringify([payload.action, payload.subject, payload.expires ?? 0])).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The payload when the token is authentic, unexpired and for `action`; undefined otherwise. */
  verify(token: string, action: TokenAction, now = Date.now()): TokenPayload | undefined {
    const [body, mac, extra] = token.split('.');
    if (!body || !mac || extra !== undefined) return undefined;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
    const [tokenAction, subject, expires] = parsed as [unknown, unknown, unknown];
    if (tokenAction !== action || typeof subject !== 'string' || typeof expires !== 'number') return undefined;
    if (expires !== 0 && expires * 1000 < now) return undefined;
    return { action, subject, ...(expires !== 0 ? { expires } : {}) };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
