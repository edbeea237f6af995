import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { luaScript } from '../redis/lua-script.ts';
import { storeKeys, type StoreKeys } from './keys.ts';

/**
 * Where a watch's next poll starts: the last Entrez day a completed poll covered, tied to the
 * query that covered it. A cursor written under another query does not count: an edited
 * (say, broadened) query must look back again, or it would miss the older works it now matches.
 */
export interface WatchCursor {
  date: string;
  queryHash: string;
  updatedAt: number;
}

export function queryHash(query: string): string {
  return createHash('sha256').update(query.trim().replace(/\s+/g, ' ')).digest('hex').slice(0, 16);
}

// Moves forward only: two polls of one watch finishing out of order never move it back.
const advanceScript = luaScript(`
local current = redis.call('GET', KEYS[1])
if current then
  local c = cjson.decode(current)
  if c.queryHash == ARGV[2] and c.date >= ARGV[1] then return 0 end
end
redis.call('SET', KEYS[1], cjson.encode({ date = ARGV[1], queryHash = ARGV[2], updatedAt = tonumber(ARGV[3]) }))
return 1
`);

export class CursorStore {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
  }

  /** The cursor for this watch and query (see queryHash), or undefined when a poll must start afresh. */
  async get(watchId: string, hash: string): Promise<WatchCursor | undefined> {
    const raw = await this.redis.get(this.keys.watchCursor(watchId));
    if (!raw) return undefined;
    const cursor = JSON.parse(raw) as WatchCursor;
    return cursor.queryHash === hash ? cursor : undefined;
  }

  /** Returns false when the stored cursor was already at or past `date` for this query. */
  async advance(watchId: string, hash: string, date: string, now = Date.now()): Promise<boolean> {
    const moved = await advanceScript(this.redis, [this.keys.watchCursor(watchId)], [date, hash, now]);
    return moved === 1;
  }
}
