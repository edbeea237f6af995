/**
 * Counts attempts per key in fixed windows, in this process's memory. Enough for one web
 * process guarding a sign-up form: a restart forgets the counts (a burst gets one more window),
 * and several web processes would each count on their own, so they would need a shared
 * counter in Redis instead.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one attempt; `allowed` is false once the key went over its limit in this window. */
  take(key: string, now = Date.now()): { allowed: boolean; resetAt: number } {
    this.forgetExpired(now);
    const window = this.windows.get(key) ?? { count: 0, resetAt: now + this.windowMs };
    window.count += 1;
    this.windows.set(key, window);
    return { allowed: window.count <= this.limit, resetAt: window.resetAt };
  }

  /** Keeps memory bounded by the keys seen in one window, however many came before. */
  private forgetExpired(now: number): void {
    // Windows are added as they open and all last windowMs, so the map is in expiry order.
    for (const [key, window] of this.windows) {
      if (window.resetAt > now) return;
      this.windows.delete(key);
    }
  }
}
