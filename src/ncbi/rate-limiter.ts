import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { luaScript } from '../redis/lua-script.ts';

/**
 * A sliding-window rate limit shared by every process that talks to NCBI with the same
 * credentials. NCBI counts requests per second per IP (or per API key) across everything we
 * run, so the state lives in Redis, not in the process: two workers on two machines still make
 * at most `limit` requests in any window.
 *
 * Each grant is recorded at the moment it is given (Redis' clock, so machines need not agree
 * on time) and the request is sent right after; a timer that fires late therefore cannot make
 * two requests bunch up, which a "reserve a future slot" scheme would allow.
 */
const acquireScript = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`);

export interface RateLimiterOptions {
  /** Requests allowed per window. NCBI: 3 per second, 10 with an API key. */
  limit: number;
  /**
   * Window length in ms. One second plus a margin, so that the few milliseconds between the
   * grant and the request reaching NCBI cannot push a 4th request into NCBI's second.
   * @defaultValue 1050
   */
  windowMs?: number;
  /** The Redis key holding the window; processes sharing it share the limit. */
  key: string;
}

export class SharedRateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly key: string;
  /** Time this process spent waiting for a slot, for the benchmark and metrics. */
  waitedMs = 0;

  constructor(
    private readonly redis: Redis,
    options: RateLimiterOptions,
  ) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new Error(`rate limit must be a positive integer, got ${options.limit}`);
    }
    this.limit = options.limit;
    this.windowMs = options.windowMs ?? 1050;
    this.key = options.key;
  }

  /** Resolves when this caller may send one request. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const member = randomUUID();
    for (;;) {
      signal?.throwIfAborted();
      const wait = Number(await acquireScript(this.redis, [this.key], [this.limit, this.windowMs, member]));
      if (wait === 0) return;
      this.waitedMs += wait;
      await sleep(wait, undefined, { signal });
    }
  }
}
