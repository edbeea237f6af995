import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from '../redis/connect-redis.ts';
import { luaScript } from '../redis/lua-script.ts';

/**
 * A rate limit shared by every process that talks to one NCBI service with the same
 * credentials. NCBI counts requests per second per address (or per API key) across everything
 * we run, so the state lives in Redis, not in the process.
 *
 * What matters is what the *server* counts: arrivals in any one second. A request reaches it
 * some unknown time after its grant (event loop, connection, network, a loaded machine), so
 * counting grants cannot promise anything about arrivals. Two rules together can:
 *   1. `limit` slots. A request holds one from its grant until one second after its answer
 *      began to arrive (`release`). It reached the server between the two, so any `limit + 1`
 *      requests the server sees within one second would all hold a slot at that second's end:
 *      impossible, however late or early each one travelled.
 *   2. Grants at least `1000 / limit` ms apart, so requests go out evenly, not in bursts.
 * Times are Redis' own (`TIME`), so machines need not agree on the clock. A slot whose holder
 * died is freed `holdMs` after its grant.
 */
const acquireScript = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local spacing = tonumber(ARGV[2])
local hold = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local wait = 0
local last = tonumber(redis.call('GET', KEYS[2]))
if last ~= nil and now - last < spacing then wait = last + spacing - now end
if redis.call('ZCARD', KEYS[1]) >= limit then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  wait = math.max(wait, tonumber(first[2]) - now)
end
if wait > 0 then return wait end
redis.call('ZADD', KEYS[1], now + hold, ARGV[4])
redis.call('PEXPIRE', KEYS[1], hold + 1000)
redis.call('SET', KEYS[2], now, 'PX', math.max(spacing * 2, 1000))
return 0
`);

// The slot stays taken for `window` ms from now: the answer has begun, so the request has arrived.
const releaseScript = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
end
return 0
`);

export interface RateLimiterOptions {
  /** Requests allowed per second, as the service documents it. */
  limit: number;
  /**
   * How long a slot stays taken after the answer began: the server's one second, plus 10 ms
   * for the millisecond rounding of two clocks. @defaultValue 1010
   */
  windowMs?: number;
  /** A slot whose holder never released it (crashed, cut off) is freed this long after its grant. @defaultValue 5000 */
  holdMs?: number;
  /** The Redis key prefix of this limiter; processes sharing it share the limit. */
  key: string;
}

/** A granted slot; release it once the answer has begun (or the request failed). */
export interface RateLimitGrant {
  release(): Promise<void>;
}

export class SharedRateLimiter {
  readonly limit: number;
  /** The least time between two grants. */
  readonly spacingMs: number;
  readonly windowMs: number;
  private readonly holdMs: number;
  private readonly keys: [string, string];
  /** Time this process spent waiting for a slot, for the benchmark and metrics. */
  waitedMs = 0;

  constructor(
    private readonly redis: RedisClient,
    options: RateLimiterOptions,
  ) {
    if (!Number.isInteger(options.limit) || options.limit < 1) {
      throw new Error(`rate limit must be a positive integer, got ${options.limit}`);
    }
    this.limit = options.limit;
    this.spacingMs = Math.ceil(1000 / options.limit);
    this.windowMs = options.windowMs ?? 1010;
    this.holdMs = options.holdMs ?? 5000;
    this.keys = [`${options.key}:slots`, `${options.key}:last`];
  }

  /** The Redis keys this limiter uses. */
  get redisKeys(): string[] {
    return [...this.keys];
  }

  /** Resolves when this caller may send one request. */
  async acquire(signal?: AbortSignal): Promise<RateLimitGrant> {
    const member = randomUUID();
    for (;;) {
      signal?.throwIfAborted();
      const wait = Number(await acquireScript(this.redis, this.keys, [this.limit, this.spacingMs, this.holdMs, member]));
      if (wait === 0) break;
      this.waitedMs += wait;
      await sleep(wait, undefined, { signal });
    }
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        await releaseScript(this.redis, [this.keys[0]], [member, this.windowMs]);
      },
    };
  }
}
