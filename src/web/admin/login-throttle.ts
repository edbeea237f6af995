import type { RateCounters } from '../../store/rate-counters.ts';
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
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  slowAfter: 5,
  delayStepMs: 1000,
  maxDelayMs: 10_000,
  lockAfter: 20,
  windowMs: 15 * 60_000,
};

export type ThrottleVerdict = { refused: true; retryAfterMs: number } | { refused: false; delayMs: number };

/**
 * Wrong dashboard passwords counted per client address, in Redis (RateCounters), so every web
 * process and every restart sees the same count: in process memory, a restart forgot them and
 * each process allowed its own `lockAfter`. Per address, so an attacker elsewhere cannot lock
 * the admin out; the address is Express's `req.ip`, which honours TRUST_PROXY (env.ts), and IPv6
 * clients count per /64, the block one host is given. Only failures are counted, and at once
 * when they happen, so a burst of parallel guesses is counted in full and a page's parallel
 * asset requests with the right password never are. Each address's count expires with its
 * window, so memory is bounded by the addresses seen in one window.
 */
export class LoginThrottle {
  readonly options: LoginThrottleOptions;

  constructor(
    private readonly counters: Pick<RateCounters, 'count' | 'peek'>,
    options: Partial<LoginThrottleOptions> = {},
  ) {
    this.options = { ...DEFAULT_LOGIN_THROTTLE, ...options };
  }

  /** Is this address refused now, whatever it sends? */
  async refused(address: string): Promise<ThrottleVerdict | undefined> {
    const { count, resetInMs } = await this.counters.peek('admin-login', addressKey(address));
    return count >= this.options.lockAfter ? { refused: true, retryAfterMs: resetInMs } : undefined;
  }

  /** Counts one wrong guess; says how long to hold the 401, or that the address is now refused. */
  async fail(address: string): Promise<ThrottleVerdict> {
    const { slowAfter, delayStepMs, maxDelayMs, lockAfter, windowMs } = this.options;
    // A lock lasts a whole window from the guess that caused it (and from each one after).
    const { count, resetInMs } = await this.counters.count('admin-login', addressKey(address), windowMs, lockAfter);
    if (count >= lockAfter) return { refused: true, retryAfterMs: resetInMs };
    return { refused: false, delayMs: Math.min(maxDelayMs, Math.max(0, count - slowAfter) * delayStepMs) };
  }
}
