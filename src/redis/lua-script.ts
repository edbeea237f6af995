import { createHash } from 'node:crypto';
import type { RedisClient } from './connect-redis.ts';

export type LuaScript = (redis: RedisClient, keys: string[], args: (string | number)[]) => Promise<unknown>;

/**
 * A Lua script run with EVALSHA (the script text crosses the wire once per connection, not on
 * every call), falling back to EVAL when Redis does not know it yet (first use, or after a
 * restart or SCRIPT FLUSH).
 */
export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(source, keys.length, ...keys, ...args);
    }
  };
}
