import type { Redis } from 'ioredis';
import type { CardSummary } from '../card/summarise.ts';
import type { WorkEntities } from '../entities/entity-types.ts';
import type { FullText } from '../parse/full-text.ts';
import { storeKeys, type StoreKeys } from './keys.ts';

/**
 * What enrichment adds to a work: the PMC full text's summary and the entity annotations, each
 * a JSON document beside the work's hash, plus the list of works tagged offline that PubTator
 * is asked about again on later polls.
 */
export class EnrichmentStore {
  private readonly keys: StoreKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
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

function parse<T>(raw: string | null): T | undefined {
  return raw === null ? undefined : (JSON.parse(raw) as T);
}
