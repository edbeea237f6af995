export interface BackoffOptions {
  /** Attempts in all, the first included. @defaultValue 6 */
  attempts: number;
  /** Delay before the first retry, doubled each time. @defaultValue 1000 */
  baseDelayMs: number;
  /** Upper bound of one delay. @defaultValue 60000 */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 60_000 };

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries from
 * several workers that failed together do not come back together, yet none retries at once.
 * A `Retry-After` from the server is a floor.
 */
export function backoffDelay(retry: number, options: BackoffOptions, retryAfterSeconds?: number, random = Math.random): number {
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  const delay = exp / 2 + random() * (exp / 2);
  const floor = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : 0;
  return Math.round(Math.max(delay, floor));
}
