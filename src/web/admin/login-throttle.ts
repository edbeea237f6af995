import { addressKey } from '../client-network.ts';

export { addressKey };

export interface LoginThrottleOptions {
  /** Wrong guesses from one address answered at once; later ones wait. @defaultValue 5 */
  slowAfter: number;
  /** Each wrong guess past `slowAfter` waits this much longer than the one before. @defaultValue 1000 */
  delayStepMs: number;
  /** @defaultValue 10000 */
  maxDelayMs: number;
  /** Wrong guesses after which the address is refused (429), right password or not. @defaultValue 20 */
  lockAfter: number;
  /** Failures are forgotten this long after the first one; a locked address stays locked this long. @defaultValue 15 minutes */
  windowMs: number;
  /** Addresses remembered at most; the oldest is forgotten first, so memory stays bounded. @defaultValue 10000 */
  maxAddresses: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  slowAfter: 5,
  delayStepMs: 1000,
  maxDelayMs: 10_000,
  lockAfter: 20,
  windowMs: 15 * 60_000,
  maxAddresses: 10_000,
};

export type ThrottleVerdict = { refused: true; retryAfterMs: number } | { refused: false; delayMs: number };

/**
 * Wrong dashboard passwords counted per client address, in this process's memory. Per address,
 * so an attacker elsewhere cannot lock the admin out; the address is Express's `req.ip`, which
 * honours TRUST_PROXY (env.ts), and IPv6 clients count per /64, the block one host is given.
 * Only failures are counted, and at once when they happen, so a burst of parallel guesses is
 * counted in full and a page's parallel asset requests with the right password never are.
 * Several web processes would each count on their own (at most `lockAfter` per process).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; resetAt: number }>();
  readonly options: LoginThrottleOptions;

  constructor(options: Partial<LoginThrottleOptions> = {}) {
    this.options = { ...DEFAULT_LOGIN_THROTTLE, ...options };
  }

  /** Is this address refused now, whatever it sends? */
  refused(address: string, now = Date.now()): ThrottleVerdict | undefined {
    const entry = this.entry(address, now);
    return entry && entry.count >= this.options.lockAfter ? { refused: true, retryAfterMs: entry.resetAt - now } : undefined;
  }

  /** Counts one wrong guess; says how long to hold the 401, or that the address is now refused. */
  fail(address: string, now = Date.now()): ThrottleVerdict {
    const key = addressKey(address);
    const entry = this.entry(address, now) ?? { count: 0, resetAt: now + this.options.windowMs };
    entry.count += 1;
    const { slowAfter, delayStepMs, maxDelayMs, lockAfter, windowMs, maxAddresses } = this.options;
    // A lock lasts a whole window from the guess that caused it.
    if (entry.count >= lockAfter) entry.resetAt = now + windowMs;
    this.failures.delete(key);
    this.failures.set(key, entry);
    if (this.failures.size > maxAddresses) this.failures.delete(this.failures.keys().next().value!);
    if (entry.count >= lockAfter) return { refused: true, retryAfterMs: entry.resetAt - now };
    return { refused: false, delayMs: Math.min(maxDelayMs, Math.max(0, entry.count - slowAfter) * delayStepMs) };
  }

  private entry(address: string, now: number): { count: number; resetAt: number } | undefined {
    const key = addressKey(address);
    const entry = this.failures.get(key);
    if (entry && entry.resetAt <= now) {
      this.failures.delete(key);
      return undefined;
    }
    return entry;
  }
}
