import type { RedisClient } from '../redis/connect-redis.ts';
import { luaScript } from '../redis/lua-script.ts';
import { storeKeys, type StoreKeys } from './keys.ts';

/** What a rate counter counts; the name is part of its Redis key. */
export type CounterKind = 'signup-network' | 'confirmations' | 'admin-login' | 'feed-client';

/**
 * Counts attempts in a fixed window that opens with the first one: INCR, and PEXPIRE when the
 * key is new, or on every attempt from the ARGV[2]th on (a lock that lasts a window from the
 * attempt that made it). Returns the count and the milliseconds until the window closes. A key
 * that lost its expiry (it cannot, but a counter without one would refuse for ever) gets one.
 */
const countScript = luaScript(`
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 or count >= tonumber(ARGV[2]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`);

/**
 * Admits `member` (e.g. a request id) into a rolling window of at most `limit` distinct members:
 * 1 when it is in (already, or now), 0 when the window is full. A member already in is admitted
 * again without counting twice, so a retried job is not refused for its own earlier attempt.
 * Times are Redis' own (TIME), so processes need not agree on the clock.
 */
const admitScript = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], window)
return 1
`);

/** A fixed window's count and the milliseconds left in it (nothing is counted). */
const peekScript = luaScript(`
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
return {count, redis.call('PTTL', KEYS[1])}
`);

/** How many members the rolling window holds now (nothing is added). */
const admittedScript = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZCOUNT', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf')
`);

/**
 * Abuse counters shared by every process on one Redis prefix, and kept across restarts: the
 * sign-up form's limits used to live in each process's memory, so a restart reset them and each
 * web process multiplied them. Losing them (a Redis flush) only opens one more window, which is
 * why they may live in Redis rather than the database.
 *
 * Two small Lua scripts rather than a library such as rate-limiter-flexible: a fixed window is
 * INCR + PEXPIRE and the rolling one a sorted set, a few lines each on the project's EVALSHA
 * helper (as the NCBI limiter), with every key built in keys.ts; the library would bring its own
 * key naming and a dependency for features (insurance limiters, in-memory blocks, penalties)
 * nothing here uses.
 */
export class RateCounters {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
  }

  /**
   * Counts one attempt by `subject` in a fixed window of `windowMs` opened by its first attempt;
   * from the `renewFrom`th attempt on, each one starts the window again.
   */
  async count(kind: CounterKind, subject: string, windowMs: number, renewFrom = Number.MAX_SAFE_INTEGER): Promise<{ count: number; resetInMs: number }> {
    const [count, ttl] = (await countScript(this.redis, [this.keys.rateCounter(kind, subject)], [windowMs, renewFrom])) as [number, number];
    return { count, resetInMs: ttl };
  }

  /** `subject`'s count in its fixed window (0 when there is none) and the milliseconds left in it. */
  async peek(kind: CounterKind, subject: string): Promise<{ count: number; resetInMs: number }> {
    const [count, ttl] = (await peekScript(this.redis, [this.keys.rateCounter(kind, subject)], [])) as [number, number];
    return { count, resetInMs: Math.max(0, ttl) };
  }

  /** Admits `member` into `subject`'s rolling window of `windowMs` holding at most `limit` distinct members. */
  async admit(kind: CounterKind, subject: string, member: string, limit: number, windowMs: number): Promise<boolean> {
    return (await admitScript(this.redis, [this.keys.rateCounter(kind, subject)], [member, limit, windowMs])) === 1;
  }

  /** How many members `subject`'s rolling window of `windowMs` holds now. */
  async admitted(kind: CounterKind, subject: string, windowMs: number): Promise<number> {
    return Number(await admittedScript(this.redis, [this.keys.rateCounter(kind, subject)], [windowMs]));
  }
}
