import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { luaScript } from '../redis/lua-script.ts';

/**
 * A rate limit shared by every process that talks to one NCBI service with the same
 * credentials. NCBI counts requests per second per address (or per API key) across everything
 * we run, so the state lives in Redis, not in the process.
 *
 * What matters is what the *server* counts: arrivals in any one second. A request reaches it
 * some time after its grant (event loop, connection, network), and that delay varies; grants
 * that bunch (three at once, as a window counter gives them) turn that variation straight into
 * a 4th arrival inside NCBI's second. So grants are spaced instead: at least `spacingMs` apart,
 * `(1000 + marginMs) / limit`, which keeps any `limit + 1` arrivals more than a second apart as
 * long as the delays vary by less than `marginMs`.
 *
 * The last grant's time is Redis' own (`TIME`), so machines need not agree on the clock, and it
 * is recorded at the moment of the grant, never reserved ahead: a timer that fires late can
 * only make the gap longer.
 */
const acquireScript = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local spacing = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]))
if last == nil or now - last >= spacing then
  redis.call('SET', KEYS[1], now, 'PX', math.max(spacing * 2, 1000))
  return 0
end
return math.max(1, last + spacing - now)
`);

export interface RateLimiterOptions {
  /** Requests allowed per second, as the service documents it. */
  limit: number;
  /**
   * How much the delay between grant and arrival may vary without the server seeing one
   * request too many in a second; paid once per `limit` requests.
   * @defaultValue 150
   */
  marginMs?: number;
  /** The Redis key holding the last grant; processes sharing it share the limit. */
  key: string;
}

export class SharedRateLimiter {
  readonly limit: number;
  /** The least time between two grants. */
  readonly spacingMs: number;
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
    this.spacingMs = Math.ceil((1000 + (options.marginMs ?? 150)) / options.limit);
    this.key = options.key;
  }

  /** Resolves when this caller may send one request. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const wait = Number(await acquireScript(this.redis, [this.key], [this.spacingMs]));
      if (wait === 0) return;
      this.waitedMs += wait;
      await sleep(wait, undefined, { signal });
    }
  }
}
