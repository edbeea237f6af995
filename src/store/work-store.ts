import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Article } from '../parse/article.ts';
import { luaScript } from '../redis/lua-script.ts';
import { normaliseDoi } from './doi.ts';
import { storeKeys, type StoreKeys } from './keys.ts';

/**
 * One record per work. A work is keyed by its normalised DOI, else `pmid:<PMID>` (else
 * `pmcid:<PMCID>` for a PMC article PubMed does not list); three indexes
 * (DOI, PMID, PMCID -> key) find it again whichever id a later record carries, so a work first
 * seen without a DOI stays one work when its DOI appears. Resolution and write happen in one Lua
 * script: two workers storing the same work at once (two watches matching it) cannot make two.
 */
const upsertScript = luaScript(`
local doiNorm, pmid, pmcid, kind = ARGV[2], ARGV[3], ARGV[4], ARGV[11]
local now = ARGV[10]
local key = false
if doiNorm ~= '' then key = redis.call('HGET', KEYS[1], doiNorm) end
if not key and pmid ~= '' then key = redis.call('HGET', KEYS[2], pmid) end
if not key and pmcid ~= '' then key = redis.call('HGET', KEYS[3], pmcid) end
if not key then
  if doiNorm ~= '' then key = doiNorm elseif pmid ~= '' then key = 'pmid:' .. pmid else key = 'pmcid:' .. pmcid end
end
local workKey = ARGV[1] .. key
local stored = redis.call('HMGET', workKey, 'hash', 'pmid', 'kind')
local status
if not stored[1] then
  status = 'created'
  redis.call('HSET', workKey, 'key', key, 'doi', ARGV[5], 'pmid', pmid, 'pmcid', pmcid, 'title', ARGV[6],
    'article', ARGV[7], 'hash', ARGV[8], 'kind', kind, 'firstSeen', now, 'updatedAt', now)
  redis.call('ZADD', KEYS[4], now, key)
elseif kind == 'pmc' and stored[3] ~= 'pmc' then
  -- PubMed's record stays the work's metadata; PMC adds its id and the source.
  status = 'unchanged'
  if pmcid ~= '' then redis.call('HSETNX', workKey, 'pmcid', pmcid) end
elseif stored[2] and stored[2] ~= '' and pmid ~= '' and stored[2] ~= pmid then
  -- A second PubMed record of the same work (same DOI, other PMID): the first one stays the record.
  status = 'duplicate'
elseif stored[1] ~= ARGV[8] then
  status = 'updated'
  redis.call('HSET', workKey, 'doi', ARGV[5], 'pmid', pmid, 'pmcid', pmcid, 'title', ARGV[6],
    'article', ARGV[7], 'hash', ARGV[8], 'kind', kind, 'updatedAt', now)
else
  status = 'unchanged'
end
if doiNorm ~= '' then redis.call('HSETNX', KEYS[1], doiNorm, key) end
if pmid ~= '' then redis.call('HSETNX', KEYS[2], pmid, key) end
if pmcid ~= '' then redis.call('HSETNX', KEYS[3], pmcid, key) end
redis.call('SADD', workKey .. ':sources', ARGV[12])
local added = 0
if ARGV[9] ~= '' then
  added = redis.call('SADD', workKey .. ':watches', ARGV[9])
  redis.call('ZADD', KEYS[5], 'NX', now, key)
end
return {key, status, added}
`);

export type UpsertStatus = 'created' | 'updated' | 'unchanged' | 'duplicate';

export interface UpsertResult {
  key: string;
  status: UpsertStatus;
  /** True when this watch had not matched the work before. */
  watchAdded: boolean;
}

export interface WorkSummary {
  key: string;
  doi?: string;
  pmid?: string;
  pmcid?: string;
  title: string;
  watches: string[];
  firstSeen: number;
}

export interface StoredWork extends WorkSummary {
  article: Article;
  /** Databases the work was found in. */
  sources: WorkSource[];
  updatedAt: number;
  /** When the PMC ID converter was last asked for this work's PMCID (ms), if ever. */
  idconvAt?: number;
}

/** The database a record came from: PubMed (citations and books) or PMC (JATS). */
export type WorkSource = 'pubmed' | 'pmc';

function sourceOf(article: Article): WorkSource {
  return article.kind === 'pmc' ? 'pmc' : 'pubmed';
}

export class WorkStore {
  readonly keys: StoreKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
  }

  /** Store (or refresh) one article as a work matched by `watchId`. Safe to repeat. */
  async upsert(article: Article, watchId: string, now = Date.now()): Promise<UpsertResult> {
    const json = JSON.stringify(article);
    const hash = createHash('sha1').update(json).digest('hex');
    const k = this.keys;
    const reply = (await upsertScript(
      this.redis,
      [k.byDoi, k.byPmid, k.byPmcid, k.works, k.watchWorks(watchId)],
      [k.workPrefix, normaliseDoi(article.doi) ?? '', article.pmid ?? '', article.pmcid ?? '', article.doi ?? '', article.title, json, hash, watchId, now, article.kind, sourceOf(article)],
    )) as [string, UpsertStatus, number];
    return { key: reply[0], status: reply[1], watchAdded: reply[2] === 1 };
  }

  /** PMID -> work key for the PMIDs already stored (the others are absent from the map). */
  keysForPmids(pmids: string[]): Promise<Map<string, string>> {
    return this.lookUp(this.keys.byPmid, pmids);
  }

  /** PMCID -> work key for the PMCIDs already stored. */
  keysForPmcids(pmcids: string[]): Promise<Map<string, string>> {
    return this.lookUp(this.keys.byPmcid, pmcids);
  }

  private async lookUp(index: string, ids: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (ids.length === 0) return found;
    const keys = await this.redis.hmget(index, ...ids);
    ids.forEach((id, i) => {
      const key = keys[i];
      if (key) found.set(id, key);
    });
    return found;
  }

  /**
   * Record that `watchId` found works already stored, in `source`. Returns how many were new to
   * the watch.
   */
  async linkWatch(workKeys: string[], watchId: string, source: WorkSource, now = Date.now()): Promise<number> {
    if (workKeys.length === 0) return 0;
    const pipeline = this.redis.pipeline();
    for (const key of workKeys) {
      pipeline.sadd(this.keys.workWatches(key), watchId);
      pipeline.zadd(this.keys.watchWorks(watchId), 'NX', now, key);
      pipeline.sadd(this.keys.workSources(key), source);
    }
    const replies = (await pipeline.exec()) ?? [];
    return replies.filter(([, added], i) => i % 3 === 0 && added === 1).length;
  }

  async count(watchId?: string): Promise<number> {
    return this.redis.zcard(watchId ? this.keys.watchWorks(watchId) : this.keys.works);
  }

  /** The works a watch first matched at or after `sinceMs`, with when it matched them (ms). */
  async matchedSince(watchId: string, sinceMs: number): Promise<{ key: string; matchedAt: number }[]> {
    const flat = await this.redis.zrangebyscore(this.keys.watchWorks(watchId), sinceMs, '+inf', 'WITHSCORES');
    const found: { key: string; matchedAt: number }[] = [];
    for (let i = 0; i < flat.length; i += 2) found.push({ key: flat[i]!, matchedAt: Number(flat[i + 1]) });
    return found;
  }

  /** Works newest first (by when they were first seen, or first matched by the watch). */
  async list(options: { watchId?: string; limit?: number } = {}): Promise<WorkSummary[]> {
    const index = options.watchId ? this.keys.watchWorks(options.watchId) : this.keys.works;
    const keys = await this.redis.zrevrange(index, 0, (options.limit ?? 0) - 1);
    const works = await Promise.all(keys.map((key) => this.summary(key)));
    return works.filter((work): work is WorkSummary => work !== undefined);
  }

  /** Works first seen since `sinceMs` that have a PMID (so PubMed can be asked about them again), oldest first. */
  async withPmidSince(sinceMs: number): Promise<{ key: string; pmid: string }[]> {
    const keys = await this.redis.zrangebyscore(this.keys.works, sinceMs, '+inf');
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hget(this.keys.work(key), 'pmid');
    const replies = (await pipeline.exec()) ?? [];
    return keys.flatMap((key, i) => {
      const pmid = replies[i]?.[1];
      return typeof pmid === 'string' && pmid !== '' ? [{ key, pmid }] : [];
    });
  }

  async get(key: string): Promise<StoredWork | undefined> {
    const [fields, watches, sources] = await Promise.all([
      this.redis.hgetall(this.keys.work(key)),
      this.redis.smembers(this.keys.workWatches(key)),
      this.redis.smembers(this.keys.workSources(key)),
    ]);
    if (!fields.article) return undefined;
    const article = JSON.parse(fields.article) as Article;
    // A PMCID learnt later (ID converter) lives in the hash; the card should know it too.
    if (fields.pmcid && !article.pmcid) article.pmcid = fields.pmcid;
    return {
      ...toSummary(fields, watches),
      article,
      sources: sources.sort() as WorkSource[],
      updatedAt: Number(fields.updatedAt),
      ...(fields.idconvAt ? { idconvAt: Number(fields.idconvAt) } : {}),
    };
  }

  async getMany(keys: string[]): Promise<StoredWork[]> {
    const works = await Promise.all(keys.map((key) => this.get(key)));
    return works.filter((work): work is StoredWork => work !== undefined);
  }

  /** Record the ID converter's answer: the PMCID when PMC has the work, and that it was asked. */
  async recordIdconv(key: string, pmcid: string | undefined, now = Date.now()): Promise<void> {
    const pipeline = this.redis.pipeline().hset(this.keys.work(key), 'idconvAt', now);
    if (pmcid) pipeline.hset(this.keys.work(key), 'pmcid', pmcid).hsetnx(this.keys.byPmcid, pmcid, key);
    await pipeline.exec();
  }


  private async summary(key: string): Promise<WorkSummary | undefined> {
    const [values, watches] = await Promise.all([
      this.redis.hmget(this.keys.work(key), 'key', 'doi', 'pmid', 'pmcid', 'title', 'firstSeen'),
      this.redis.smembers(this.keys.workWatches(key)),
    ]);
    const [k, doi, pmid, pmcid, title, firstSeen] = values;
    if (!k) return undefined;
    return toSummary({ key: k, doi: doi ?? '', pmid: pmid ?? '', pmcid: pmcid ?? '', title: title ?? '', firstSeen: firstSeen ?? '0' }, watches);
  }
}

function toSummary(fields: Record<string, string>, watches: string[]): WorkSummary {
  return {
    key: fields.key ?? '',
    doi: fields.doi || undefined,
    pmid: fields.pmid || undefined,
    pmcid: fields.pmcid || undefined,
    title: fields.title ?? '',
    watches: watches.sort(),
    firstSeen: Number(fields.firstSeen),
  };
}
