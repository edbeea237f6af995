import type { Redis } from 'ioredis';
import type { CardSummary } from '../card/summarise.ts';
import type { WorkEntities } from '../entities/entity-types.ts';
import type { FullText } from '../parse/full-text.ts';
import { storeKeys, type StoreKeys } from './keys.ts';

/** A part of a card that enrichment fills from a remote service. */
export type EnrichStep = 'pmcid' | 'full text' | 'entities' | 'summary';

/** A work whose card is not complete yet: queued for enrichment, or failed and waiting to be tried again. */
export interface EnrichmentPending {
  /** When it was first queued (ms). */
  since: number;
  /** Failed tries so far (0: queued, not tried yet). */
  attempts: number;
  /** What the last try could not get; absent before the first try. */
  steps?: EnrichStep[];
  lastError?: string;
  /** When a later poll may try again (ms), after a failure. */
  nextAt?: number;
}

/**
 * What enrichment adds to a work: the PMC full text's summary and the entity annotations, each
 * a JSON document beside the work's hash, plus the list of works tagged offline that PubTator
 * is asked about again on later polls.
 */
export class EnrichmentStore {
  private readonly keys: StoreKeys;
  /** Which works' cards are still waiting for enrichment, and which failed. */
  readonly pending: EnrichmentPendingStore;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
    this.pending = new EnrichmentPendingStore(redis, prefix);
  }

  async saveFullText(workKey: string, fullText: FullText): Promise<void> {
    await this.redis.set(this.keys.workFullText(workKey), JSON.stringify(fullText));
  }

  async fullText(workKey: string): Promise<FullText | undefined> {
    return parse<FullText>(await this.redis.get(this.keys.workFullText(workKey)));
  }

  /** Which of these works already have their full text stored (so it is never fetched twice). */
  async haveFullText(workKeys: string[]): Promise<Set<string>> {
    if (workKeys.length === 0) return new Set();
    const exists = await Promise.all(workKeys.map((key) => this.redis.exists(this.keys.workFullText(key))));
    return new Set(workKeys.filter((_, i) => exists[i] === 1));
  }

  /**
   * Claim the fetching of these PMCIDs' full texts for `owner` (a job id) for `ttlMs`, so two
   * jobs running at once (a PMC batch and an enrichment) do not both fetch one. Returns the
   * PMCIDs this owner holds: newly claimed, or already its own (a retried job).
   */
  async claimFullTexts(pmcids: string[], owner: string, ttlMs = 10 * 60_000): Promise<Set<string>> {
    if (pmcids.length === 0) return new Set();
    const pipeline = this.redis.pipeline();
    for (const pmcid of pmcids) pipeline.set(this.keys.fullTextClaim(pmcid), owner, 'PX', ttlMs, 'NX').get(this.keys.fullTextClaim(pmcid));
    const replies = (await pipeline.exec()) ?? [];
    return new Set(pmcids.filter((_, i) => replies[2 * i + 1]?.[1] === owner));
  }

  async saveEntities(workKey: string, entities: WorkEntities): Promise<void> {
    await this.redis.set(this.keys.workEntities(workKey), JSON.stringify(entities));
  }

  async entities(workKey: string): Promise<WorkEntities | undefined> {
    return parse<WorkEntities>(await this.redis.get(this.keys.workEntities(workKey)));
  }

  async saveSummary(workKey: string, summary: CardSummary): Promise<void> {
    await this.redis.set(this.keys.workSummary(workKey), JSON.stringify(summary));
  }

  async summary(workKey: string): Promise<CardSummary | undefined> {
    return parse<CardSummary>(await this.redis.get(this.keys.workSummary(workKey)));
  }

  /** Ask PubTator about this work again on later polls, until `untilMs`. */
  async retryUntil(workKey: string, untilMs: number): Promise<void> {
    await this.redis.zadd(this.keys.enrichRetry, 'NX', untilMs, workKey);
  }

  async stopRetrying(workKeys: string[]): Promise<void> {
    if (workKeys.length > 0) await this.redis.zrem(this.keys.enrichRetry, ...workKeys);
  }

  /** Works still worth asking PubTator about; those past their time are dropped for good. */
  async dueRetries(now = Date.now()): Promise<string[]> {
    await this.redis.zremrangebyscore(this.keys.enrichRetry, '-inf', `(${now}`);
    return this.redis.zrange(this.keys.enrichRetry, 0, -1);
  }
}

/**
 * Enrichment state per work (EnrichmentStore, below): which works still wait for a part of their
 * card, and which failed and when they may be tried again.
 */
export class EnrichmentPendingStore {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
  }

  /** These works are queued for enrichment; a work already pending keeps its state (and its failures). */
  async markPending(workKeys: string[], now = Date.now()): Promise<void> {
    if (workKeys.length === 0) return;
    const state = JSON.stringify({ since: now, attempts: 0 } satisfies EnrichmentPending);
    const pipeline = this.redis.pipeline();
    for (const key of workKeys) pipeline.hsetnx(this.keys.enrichPending, key, state);
    await pipeline.exec();
  }

  /** A try left `steps` missing: count it, and let a later poll try again from `nextAt`. */
  async recordFailure(workKey: string, failure: { steps: EnrichStep[]; error: string; nextAt: number }, now = Date.now()): Promise<EnrichmentPending> {
    const before = (await this.get(workKey)) ?? { since: now, attempts: 0 };
    const state: EnrichmentPending = { since: before.since, attempts: before.attempts + 1, steps: failure.steps, lastError: failure.error.slice(0, 300), nextAt: failure.nextAt };
    await this.redis.pipeline().hset(this.keys.enrichPending, workKey, JSON.stringify(state)).zadd(this.keys.enrichFailed, failure.nextAt, workKey).exec();
    return state;
  }

  /**
   * Not tried now (another job is fetching what it lacks): it stays pending, not failed, and a
   * later poll takes it again from `nextAt` unless that other job completes it first.
   */
  async defer(workKey: string, nextAt: number): Promise<void> {
    await this.redis.zadd(this.keys.enrichFailed, nextAt, workKey);
  }

  /** These works' cards are complete. */
  async clear(workKeys: string[]): Promise<void> {
    if (workKeys.length === 0) return;
    await this.redis.pipeline().hdel(this.keys.enrichPending, ...workKeys).zrem(this.keys.enrichFailed, ...workKeys).exec();
  }

  async get(workKey: string): Promise<EnrichmentPending | undefined> {
    return parse<EnrichmentPending>(await this.redis.hget(this.keys.enrichPending, workKey));
  }

  /**
   * Failed works whose next try is due, oldest due first. A work handed out is not due again for
   * `leaseMs` (its try then either clears it or records the next failure); should that try never
   * run, it is due again after the lease.
   */
  async takeDue(now = Date.now(), leaseMs = 3_600_000, limit = 1000): Promise<string[]> {
    const due = await this.redis.zrangebyscore(this.keys.enrichFailed, '-inf', now, 'LIMIT', 0, limit);
    if (due.length > 0) await this.redis.zadd(this.keys.enrichFailed, 'XX', ...due.flatMap((key) => [now + leaseMs, key]));
    return due;
  }

  /** For health: works waiting for enrichment, and how many of them failed at least once. */
  async counts(): Promise<{ pending: number; failed: number }> {
    const values = await this.redis.hvals(this.keys.enrichPending);
    const failed = values.filter((v) => (JSON.parse(v) as EnrichmentPending).attempts > 0).length;
    return { pending: values.length, failed };
  }
}

function parse<T>(raw: string | null): T | undefined {
  return raw === null ? undefined : (JSON.parse(raw) as T);
}
