import type { RedisClient } from '../redis/connect-redis.ts';
import { luaScript } from '../redis/lua-script.ts';
import { storeKeys, type StoreKeys } from './keys.ts';

/**
 * Which poll job is polling a watch now: a short lock per watch, so a watch never has two polls
 * at once, whoever queued them (its scheduler, `poll --now`, bull-board's retry). BullMQ's own
 * per-group concurrency is a Pro feature, and its `deduplication` option cannot be set on a job
 * scheduler's jobs; a poll also spends most of its time in waiting-children, where no worker
 * concurrency counts it. So the poll job takes this lock itself. Lost with Redis, the worst case
 * is one poll overlapping another, as before.
 */
export interface PollLockAnswer {
  held: boolean;
  /** The job holding the lock when it is not ours. */
  holder?: string;
}

/** Backstop only: a lock is released when its poll ends, and taken over once its job has ended. */
const LOCK_TTL_MS = 24 * 3600_000;

// Take the lock from `expected` (a holder whose job has ended) only if it still holds it.
const takeOverScript = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`);

// Release only our own lock: a poll that lost it (taken over after its TTL) must not free another's.
const releaseScript = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

export class PollLocks {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
  }

  /**
   * Take the watch's lock for `jobId`, or learn who holds it. A holder is asked about with
   * `hasEnded` (its job completed, failed for good, or is gone): then the lock is taken over,
   * atomically, so of two jobs taking over at once only one gets it.
   */
  async take(watchId: string, jobId: string, hasEnded: (holder: string) => Promise<boolean>): Promise<PollLockAnswer> {
    const key = this.keys.pollLock(watchId);
    if ((await this.redis.set(key, jobId, 'PX', LOCK_TTL_MS, 'NX')) === 'OK') return { held: true };
    const holder = await this.redis.get(key);
    if (holder === jobId) {
      await this.redis.pexpire(key, LOCK_TTL_MS);
      return { held: true };
    }
    if (holder === null) return this.take(watchId, jobId, hasEnded);
    if (await hasEnded(holder)) {
      if ((await takeOverScript(this.redis, [key], [holder, jobId, LOCK_TTL_MS])) === 1) return { held: true };
      return { held: false, holder: (await this.redis.get(key)) ?? holder };
    }
    return { held: false, holder };
  }

  async release(watchId: string, jobId: string): Promise<void> {
    await releaseScript(this.redis, [this.keys.pollLock(watchId)], [jobId]);
  }
}
