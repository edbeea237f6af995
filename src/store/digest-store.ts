import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { luaScript } from '../redis/lua-script.ts';
import { storeKeys, type StoreKeys } from './keys.ts';

/**
 * A built digest: html + text + the works it delivers, stored before it is sent, so sending
 * is a separate job that only talks SMTP. Its status moves pending -> sending -> sent under a
 * lock (Ghost's updateStatusLock), so a retried or duplicated send job never sends it twice.
 * While built and not sent, its works are "in flight" for the subscriber: the next digest leaves
 * them out. A digest that failed for good gives them back, so they go out in the next one.
 */
export type DigestStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'cancelled';

export interface Digest {
  id: string;
  subscriberId: string;
  period: string;
  status: DigestStatus;
  subject: string;
  html: string;
  text: string;
  workKeys: string[];
  /** Owed notices this digest tells of (`workKey|noticePmid`): settled when it is sent. */
  notices: string[];
  createdAt: number;
  sentAt?: number;
  attempts: number;
  lastError?: string;
}

/** One digest per subscriber and period: the id is derived from both. */
export function digestId(subscriberId: string, period: string): string {
  return `dg-${createHash('sha256').update(`${subscriberId}\n${period}`).digest('hex').slice(0, 24)}`;
}

const createScript = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'subscriberId', ARGV[2], 'period', ARGV[3], 'status', 'pending',
  'subject', ARGV[4], 'html', ARGV[5], 'text', ARGV[6], 'workKeys', ARGV[7], 'createdAt', ARGV[8], 'attempts', 0,
  'notices', ARGV[9])
redis.call('ZADD', KEYS[2], ARGV[8], ARGV[1])
for i = 10, #ARGV do redis.call('SADD', KEYS[3], ARGV[i]) end
return 1
`);

// 1: locked for this sender; 2: already sent (or cancelled); 0: another sender holds a live lease.
const lockScript = luaScript(`
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return -1 end
if status == 'sent' or status == 'cancelled' then return 2 end
if status == 'sending' then
  local since = tonumber(redis.call('HGET', KEYS[1], 'sendingSince') or '0')
  if since > tonumber(ARGV[1]) - tonumber(ARGV[2]) then return 0 end
end
redis.call('HSET', KEYS[1], 'status', 'sending', 'sendingSince', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
return 1
`);

// Once sent, the bodies go: thousands of digests a day would otherwise keep hundreds of MB in
// Redis for nothing (the web page of a digest renders its works afresh).
const sentScript = luaScript(`
redis.call('HSET', KEYS[1], 'status', 'sent', 'sentAt', ARGV[1])
redis.call('HDEL', KEYS[1], 'lastError', 'html', 'text')
local works = cjson.decode(redis.call('HGET', KEYS[1], 'workKeys'))
for _, key in ipairs(works) do
  redis.call('SADD', KEYS[2], key)
  redis.call('SREM', KEYS[3], key)
end
local notices = cjson.decode(redis.call('HGET', KEYS[1], 'notices') or '[]')
for _, notice in ipairs(notices) do redis.call('SREM', KEYS[4], notice) end
return #works
`);

const releaseScript = luaScript(`
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'lastError', ARGV[2])
if ARGV[3] == '1' then
  local works = cjson.decode(redis.call('HGET', KEYS[1], 'workKeys'))
  for _, key in ipairs(works) do redis.call('SREM', KEYS[2], key) end
end
return 1
`);

export type LockResult = 'locked' | 'done' | 'busy' | 'missing';

export class DigestStore {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
  }

  /** Store a built digest; false when this subscriber's digest for the period exists already. */
  async create(digest: Omit<Digest, 'status' | 'attempts'>): Promise<boolean> {
    const k = this.keys;
    const created = await createScript(
      this.redis,
      [k.digest(digest.id), k.digests, k.subscriberInFlight(digest.subscriberId)],
      [digest.id, digest.subscriberId, digest.period, digest.subject, digest.html, digest.text, JSON.stringify(digest.workKeys), digest.createdAt, JSON.stringify(digest.notices), ...digest.workKeys],
    );
    return created === 1;
  }

  async get(id: string): Promise<Digest | undefined> {
    const fields = await this.redis.hgetall(this.keys.digest(id));
    if (!fields.id) return undefined;
    return {
      id: fields.id,
      subscriberId: fields.subscriberId ?? '',
      period: fields.period ?? '',
      status: fields.status as DigestStatus,
      subject: fields.subject ?? '',
      html: fields.html ?? '',
      text: fields.text ?? '',
      workKeys: JSON.parse(fields.workKeys ?? '[]') as string[],
      notices: JSON.parse(fields.notices ?? '[]') as string[],
      createdAt: Number(fields.createdAt),
      attempts: Number(fields.attempts ?? 0),
      ...(fields.sentAt ? { sentAt: Number(fields.sentAt) } : {}),
      ...(fields.lastError ? { lastError: fields.lastError } : {}),
    };
  }

  /**
   * Take the right to send. A lease older than `leaseMs` (its sender died mid-send) can be
   * taken over; the message keeps its Message-ID, so a receiver can tell a repeat.
   */
  async lockForSending(id: string, now = Date.now(), leaseMs = 10 * 60_000): Promise<LockResult> {
    const result = Number(await lockScript(this.redis, [this.keys.digest(id)], [now, leaseMs]));
    return result === 1 ? 'locked' : result === 2 ? 'done' : result === 0 ? 'busy' : 'missing';
  }

  /** Sent: its works join the subscriber's sent set in the same step. */
  async markSent(digest: Pick<Digest, 'id' | 'subscriberId'>, now = Date.now()): Promise<void> {
    const k = this.keys;
    await sentScript(this.redis, [k.digest(digest.id), k.subscriberSent(digest.subscriberId), k.subscriberInFlight(digest.subscriberId), k.subscriberNotices(digest.subscriberId)], [now]);
  }

  /**
   * A send that failed. While retries remain the works stay in flight; after the last one (or
   * when cancelled) they are given back for the next digest.
   */
  async markFailed(digest: Pick<Digest, 'id' | 'subscriberId'>, error: string, final: boolean): Promise<void> {
    await releaseScript(this.redis, [this.keys.digest(digest.id), this.keys.subscriberInFlight(digest.subscriberId)], ['failed', error.slice(0, 500), final ? '1' : '0']);
  }

  /** Not sent on purpose (the subscriber left or paused meanwhile): works given back. */
  async cancel(digest: Pick<Digest, 'id' | 'subscriberId'>, reason: string): Promise<void> {
    await releaseScript(this.redis, [this.keys.digest(digest.id), this.keys.subscriberInFlight(digest.subscriberId)], ['cancelled', reason, '1']);
  }

  /** Works in this subscriber's built, unsent digests. */
  async inFlight(subscriberId: string): Promise<Set<string>> {
    return new Set(await this.redis.smembers(this.keys.subscriberInFlight(subscriberId)));
  }

  /** Most recent first. */
  async recent(limit = 50): Promise<Digest[]> {
    const ids = await this.redis.zrevrange(this.keys.digests, 0, limit - 1);
    const digests = await Promise.all(ids.map((id) => this.get(id)));
    return digests.filter((d): d is Digest => d !== undefined);
  }
}
