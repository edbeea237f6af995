import { z } from 'zod';
import type { CardSummary } from '../card/summarise.ts';
import type { WorkEntities } from '../entities/entity-types.ts';
import type { FullText } from '../parse/full-text.ts';
import type { RedisClient } from '../redis/connect-redis.ts';
import type { Database } from './db/database.ts';
import { entitiesSchema, fullTextSchema, summarySchema } from './document-schemas.ts';
import { count, document, documentOf, ms, optionalMs, parseRow, parseRows } from './documents.ts';
import { FullTextPool } from './full-text-pool.ts';
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
 * What enrichment adds to a work: the PMC full text's summary, the entity annotations and a
 * model's summary (one row per work), and until when PubTator is asked again about a work that
 * was tagged offline. Which works are still waiting for a part of their card is `pending`
 * (durable); who is fetching a full text right now is a short claim in Redis.
 */
export class EnrichmentStore {
  private readonly keys: StoreKeys;
  /** Which works' cards are still waiting for enrichment, and which failed. */
  readonly pending: EnrichmentPendingStore;
  /** PMCIDs waiting for a full-text request, pooled per poll so requests go out full. */
  readonly fullTextPool: FullTextPool;

  constructor(
    private readonly db: Database,
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.keys = storeKeys(prefix);
    this.pending = new EnrichmentPendingStore(db);
    this.fullTextPool = new FullTextPool(redis, prefix);
  }

  private async set(workKey: string, column: 'full_text' | 'entities' | 'summary', value: unknown): Promise<void> {
    await this.db.query(
      `INSERT INTO work_enrichment (work_key, ${column}) VALUES ($1, $2::jsonb) ON CONFLICT (work_key) DO UPDATE SET ${column} = excluded.${column}`,
      [workKey, document(value)],
    );
  }

  private async read<T extends z.ZodType>(workKey: string, column: 'full_text' | 'entities' | 'summary', schema: T): Promise<z.output<T> | undefined> {
    const row = parseRow(
      z.object({ doc: documentOf(schema).nullable() }),
      (await this.db.query(`SELECT ${column} AS doc FROM work_enrichment WHERE work_key = $1`, [workKey]))[0],
      `work_enrichment.${column}`,
    );
    return row?.doc ?? undefined;
  }

  /** Stored: the claim on fetching it goes too (others now find it stored), so Redis keeps nothing per work. */
  async saveFullText(workKey: string, fullText: FullText): Promise<void> {
    await this.set(workKey, 'full_text', fullText);
    await this.redis.del(this.keys.fullTextClaim(fullText.pmcid));
  }

  async fullText(workKey: string): Promise<FullText | undefined> {
    return this.read(workKey, 'full_text', fullTextSchema);
  }

  /** Which of these works already have their full text stored (so it is never fetched twice). */
  async haveFullText(workKeys: string[]): Promise<Set<string>> {
    if (workKeys.length === 0) return new Set();
    const rows = await this.db.query('SELECT work_key FROM work_enrichment WHERE work_key = ANY($1::text[]) AND full_text IS NOT NULL', [workKeys]);
    return new Set(parseRows(z.object({ work_key: z.string() }), rows, 'work_enrichment').map((row) => row.work_key));
  }

  /**
   * Claim the fetching of these PMCIDs' full texts for `owner` (a job id) for `ttlMs`, so two
   * jobs running at once (a PMC batch and an enrichment) do not both fetch one. Returns the
   * PMCIDs this owner holds: newly claimed, or already its own (a retried job). A short lock:
   * lost with Redis, the worst case is one full text fetched twice.
   */
  async claimFullTexts(pmcids: string[], owner: string, ttlMs = 10 * 60_000): Promise<Set<string>> {
    if (pmcids.length === 0) return new Set();
    // A SET NX then a GET a key, key by key: each claim is its own key, and a cluster spreads
    // them over slots, where a pipeline of keys in several slots is refused.
    const holders: (string | null)[] = [];
    for (const pmcid of pmcids) {
      const key = this.keys.fullTextClaim(pmcid);
      await this.redis.set(key, owner, 'PX', ttlMs, 'NX');
      holders.push(await this.redis.get(key));
    }
    return new Set(pmcids.filter((_, i) => holders[i] === owner));
  }

  /** The entities, and their names for full-text search, in one step. */
  async saveEntities(workKey: string, entities: WorkEntities): Promise<void> {
    const names = [...entities.diseases, ...entities.chemicals, ...entities.genes, ...entities.species]
      .flatMap((e) => [e.mention, e.scientificName ?? '', e.commonName ?? ''])
      .concat(entities.linkedDiseases.map((d) => d.label));
    await this.db.transaction(async (tx) => {
      await tx.query(
        'INSERT INTO work_enrichment (work_key, entities) VALUES ($1, $2::jsonb) ON CONFLICT (work_key) DO UPDATE SET entities = excluded.entities',
        [workKey, document(entities)],
      );
      await tx.query('UPDATE works SET entity_names = $2 WHERE key = $1', [workKey, [...new Set(names.filter(Boolean))].join('\n')]);
    });
  }

  async entities(workKey: string): Promise<WorkEntities | undefined> {
    return this.read(workKey, 'entities', entitiesSchema);
  }

  /** The entities of many works in one query (works without any are absent). */
  async entitiesOf(workKeys: string[]): Promise<Map<string, WorkEntities>> {
    if (workKeys.length === 0) return new Map();
    const rows = parseRows(
      z.object({ work_key: z.string(), doc: documentOf(entitiesSchema) }),
      await this.db.query('SELECT work_key, entities AS doc FROM work_enrichment WHERE work_key = ANY($1::text[]) AND entities IS NOT NULL', [workKeys]),
      'work_enrichment.entities',
    );
    return new Map(rows.map((row) => [row.work_key, row.doc]));
  }

  async saveSummary(workKey: string, summary: CardSummary): Promise<void> {
    await this.set(workKey, 'summary', summary);
  }

  async summary(workKey: string): Promise<CardSummary | undefined> {
    return this.read(workKey, 'summary', summarySchema);
  }

  /** Ask PubTator about this work again on later polls, until `untilMs` (a first date stays). */
  async retryUntil(workKey: string, untilMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO work_enrichment (work_key, pubtator_retry_until) VALUES ($1, $2) ON CONFLICT (work_key) DO UPDATE SET pubtator_retry_until = coalesce(work_enrichment.pubtator_retry_until, excluded.pubtator_retry_until)`,
      [workKey, new Date(untilMs)],
    );
  }

  async stopRetrying(workKeys: string[]): Promise<void> {
    if (workKeys.length > 0) await this.db.query('UPDATE work_enrichment SET pubtator_retry_until = NULL WHERE work_key = ANY($1::text[])', [workKeys]);
  }

  /** Works still worth asking PubTator about; those past their time are dropped for good. */
  async dueRetries(now = Date.now()): Promise<string[]> {
    await this.db.query('UPDATE work_enrichment SET pubtator_retry_until = NULL WHERE pubtator_retry_until < $1', [new Date(now)]);
    const rows = await this.db.query('SELECT work_key FROM work_enrichment WHERE pubtator_retry_until IS NOT NULL ORDER BY pubtator_retry_until, work_key');
    return parseRows(z.object({ work_key: z.string() }), rows, 'work_enrichment').map((row) => row.work_key);
  }
}

const pendingRow = z.object({
  since: ms,
  attempts: z.number().int(),
  steps: z.array(z.enum(['pmcid', 'full text', 'entities', 'summary'])).nullable(),
  last_error: z.string().nullable(),
  next_at: optionalMs,
});

/**
 * Enrichment state per work (EnrichmentStore, above): which works still wait for a part of their
 * card, and which failed and when they may be tried again.
 */
export class EnrichmentPendingStore {
  constructor(private readonly db: Database) {}

  /** These works are queued for enrichment; a work already pending keeps its state (and its failures). */
  async markPending(workKeys: string[], now = Date.now()): Promise<void> {
    if (workKeys.length === 0) return;
    await this.db.query('INSERT INTO enrichment_pending (work_key, since, attempts) SELECT k, $2, 0 FROM unnest($1::text[]) AS k ON CONFLICT DO NOTHING', [
      workKeys,
      new Date(now),
    ]);
  }

  /** A try left `steps` missing: count it, and let a later poll try again from `nextAt`. */
  async recordFailure(workKey: string, failure: { steps: EnrichStep[]; error: string; nextAt: number }, now = Date.now()): Promise<EnrichmentPending> {
    const row = parseRow(
      pendingRow,
      (
        await this.db.query(
          `INSERT INTO enrichment_pending (work_key, since, attempts, steps, last_error, next_at) VALUES ($1, $2, 1, $3::text[], $4, $5)
           ON CONFLICT (work_key) DO UPDATE SET attempts = enrichment_pending.attempts + 1, steps = excluded.steps, last_error = excluded.last_error, next_at = excluded.next_at
           RETURNING since, attempts, steps, last_error, next_at`,
          [workKey, new Date(now), failure.steps, failure.error.slice(0, 300), new Date(failure.nextAt)],
        )
      )[0],
      'enrichment pending',
    );
    return toPending(row!);
  }

  /**
   * Not tried now (another job is fetching what it lacks): it stays pending, not failed, and a
   * later poll takes it again from `nextAt` unless that other job completes it first.
   */
  async defer(workKey: string, nextAt: number, now = Date.now()): Promise<void> {
    await this.db.query(
      'INSERT INTO enrichment_pending (work_key, since, attempts, next_at) VALUES ($1, $2, 0, $3) ON CONFLICT (work_key) DO UPDATE SET next_at = excluded.next_at',
      [workKey, new Date(now), new Date(nextAt)],
    );
  }

  /**
   * Their full texts were handed to fetch-full-texts jobs (through the pool): pending with the
   * full text as the missing part, due again at `nextAt` should that job never complete them.
   * The enrich job handing them off records its own steps' failures afterwards.
   */
  async handOffFullTexts(workKeys: string[], nextAt: number, now = Date.now()): Promise<void> {
    if (workKeys.length === 0) return;
    await this.db.query(
      `INSERT INTO enrichment_pending (work_key, since, attempts, steps, next_at) SELECT k, $2, 0, ARRAY['full text'], $3 FROM unnest($1::text[]) AS k
       ON CONFLICT (work_key) DO UPDATE SET steps = ARRAY['full text'], last_error = NULL, next_at = excluded.next_at`,
      [workKeys, new Date(now), new Date(nextAt)],
    );
  }

  /** Their full texts are stored (or known absent): that part is no longer missing, and a work missing nothing else is complete. */
  async fullTextDone(workKeys: string[]): Promise<void> {
    if (workKeys.length === 0) return;
    await this.db.transaction(async (tx) => {
      await tx.query("UPDATE enrichment_pending SET steps = array_remove(steps, 'full text') WHERE work_key = ANY($1::text[]) AND 'full text' = ANY(steps)", [
        workKeys,
      ]);
      await tx.query("DELETE FROM enrichment_pending WHERE work_key = ANY($1::text[]) AND steps = '{}'", [workKeys]);
    });
  }

  /** These works' cards are complete. */
  async clear(workKeys: string[]): Promise<void> {
    if (workKeys.length > 0) await this.db.query('DELETE FROM enrichment_pending WHERE work_key = ANY($1::text[])', [workKeys]);
  }

  async get(workKey: string): Promise<EnrichmentPending | undefined> {
    const row = parseRow(
      pendingRow,
      (await this.db.query('SELECT since, attempts, steps, last_error, next_at FROM enrichment_pending WHERE work_key = $1', [workKey]))[0],
      'enrichment pending',
    );
    return row && toPending(row);
  }

  /**
   * Works whose next try is due, oldest due first. A work handed out is not due again for
   * `leaseMs` (its try then either clears it or records the next failure); should that try never
   * run, it is due again after the lease.
   */
  async takeDue(now = Date.now(), leaseMs = 3_600_000, limit = 1000): Promise<string[]> {
    const rows = await this.db.query(
      `UPDATE enrichment_pending SET next_at = $2 WHERE work_key IN (
         SELECT work_key FROM enrichment_pending WHERE next_at <= $1 ORDER BY next_at, work_key LIMIT $3 FOR UPDATE SKIP LOCKED
       ) RETURNING work_key, next_at`,
      [new Date(now), new Date(now + leaseMs), limit],
    );
    return parseRows(z.object({ work_key: z.string() }), rows, 'enrichment pending')
      .map((row) => row.work_key)
      .sort();
  }

  /**
   * How many of these works still wait for a part of their card that is not tried yet: queued,
   * or their full text handed to a fetch-full-texts job (steps {full text} without an error,
   * also for a work that failed before). Works waiting after a failure are not counted.
   */
  async untried(workKeys: string[]): Promise<number> {
    if (workKeys.length === 0) return 0;
    const row = parseRow(
      z.object({ n: count }),
      (
        await this.db.query(
          "SELECT count(*) AS n FROM enrichment_pending WHERE work_key = ANY($1::text[]) AND (attempts = 0 OR (steps = ARRAY['full text'] AND last_error IS NULL))",
          [workKeys],
        )
      )[0],
      'enrichment pending',
    );
    return row?.n ?? 0;
  }

  /** For health: works waiting for enrichment, and how many of them failed at least once. */
  async counts(): Promise<{ pending: number; failed: number }> {
    const row = parseRow(
      z.object({ pending: count, failed: count }),
      (await this.db.query('SELECT count(*) AS pending, count(*) FILTER (WHERE attempts > 0) AS failed FROM enrichment_pending'))[0],
      'enrichment pending',
    );
    return { pending: row?.pending ?? 0, failed: row?.failed ?? 0 };
  }
}

function toPending(row: z.output<typeof pendingRow>): EnrichmentPending {
  return {
    since: row.since,
    attempts: row.attempts,
    ...(row.steps ? { steps: row.steps } : {}),
    ...(row.last_error ? { lastError: row.last_error } : {}),
    ...(row.next_at !== undefined ? { nextAt: row.next_at } : {}),
  };
}
