import type { RedisClient } from '../redis/connect-redis.ts';
import { luaScript } from '../redis/lua-script.ts';
import { storeKeys, type StoreKeys } from './keys.ts';

/** A work whose PMC full text is wanted, by its PMCID. */
export interface WantedFullText {
  pmcid: string;
  workKey: string;
}

/**
 * PMC full texts are fetched `batchSize` (20) a request, and the budget of a poll is
 * ceil(F / 20) requests for its F works with a PMCID. The works arrive in enrich jobs of 200,
 * each with some PMCIDs: batching each job's on its own would leave one part-filled request per
 * job. So the PMCIDs of one scope (one poll's stage: every enrich job its fetch jobs queued) go
 * into one pool, and full batches are handed out as they fill. The last part-filled batch is
 * handed out once every producer of the scope has added its PMCIDs and the scope is closed
 * (the poll knows how many enrich jobs its stage queued): whichever of the two comes last hands
 * it out, atomically, so exactly one caller gets it.
 *
 * What a call hands out is removed from the pool: the caller queues it as a job at once. Should
 * the caller die in between (or Redis lose the pool), the works stay pending in the database and
 * a later poll takes them up again (enrichment retries): nothing durable lives here.
 */
const takeScript = luaScript(`
local entries, works, seq, producers, expected = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local batch = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local producer = ARGV[3]
local closeWith = tonumber(ARGV[4])
if producer ~= '' then redis.call('SADD', producers, producer) end
if closeWith >= 0 then redis.call('SET', expected, closeWith) end
for i = 5, #ARGV, 2 do
  if redis.call('HSETNX', works, ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('ZADD', entries, redis.call('INCR', seq), ARGV[i])
  end
end
local want = tonumber(redis.call('GET', expected) or '-1')
local all = want >= 0 and redis.call('SCARD', producers) >= want
local out = {}
while true do
  local size = redis.call('ZCARD', entries)
  if size == 0 or (size < batch and not all) then break end
  local popped = redis.call('ZPOPMIN', entries, batch)
  local one = {}
  for j = 1, #popped, 2 do
    local pmcid = popped[j]
    table.insert(one, pmcid)
    table.insert(one, redis.call('HGET', works, pmcid))
    redis.call('HDEL', works, pmcid)
  end
  table.insert(out, one)
end
for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ttl) end
return out
`);

export class FullTextPool {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    readonly batchSize = 20,
    private readonly ttlMs = 86_400_000,
  ) {
    this.keys = storeKeys(prefix);
  }

  /**
   * `producer` (an enrich job id) adds its wanted full texts to the pool of `scope`; a PMCID
   * already in the pool stays once. Returns the batches now full (and, when this was the last
   * producer of a closed scope, the rest). `closeWith` closes the scope at once with that many
   * producers: a job alone in its scope passes 1 and gets every batch back.
   */
  add(scope: string, producer: string, wanted: WantedFullText[], options: { closeWith?: number } = {}): Promise<WantedFullText[][]> {
    return this.take(scope, producer, options.closeWith ?? -1, wanted);
  }

  /** The scope has `producers` producers in all: once each has added, the rest is handed out. */
  close(scope: string, producers: number): Promise<WantedFullText[][]> {
    return this.take(scope, '', producers, []);
  }

  private async take(scope: string, producer: string, closeWith: number, wanted: WantedFullText[]): Promise<WantedFullText[][]> {
    const args = [this.batchSize, this.ttlMs, producer, closeWith, ...wanted.flatMap((w) => [w.pmcid, w.workKey])];
    const batches = (await takeScript(this.redis, this.keys.fullTextPool(scope), args)) as string[][];
    return batches.map((flat) => {
      const batch: WantedFullText[] = [];
      for (let i = 0; i < flat.length; i += 2) batch.push({ pmcid: flat[i]!, workKey: flat[i + 1]! });
      return batch;
    });
  }
}
