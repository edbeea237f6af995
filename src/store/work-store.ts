import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import type { Article } from '../parse/article.ts';
import type { Database, Queryable } from './db/database.ts';
import { articleSchema } from './document-schemas.ts';
import { documentOf, document, ms, optionalMs, optionalText, count, parseRow, parseRows } from './documents.ts';
import { normaliseDoi } from './doi.ts';
import { isRecordRefusal, refusalReason } from './set-aside-store.ts';
import { searchBody, sourceOf, upsertBatch } from './work-batch-upsert.ts';

/**
 * One record per work. A work is keyed by its normalised DOI, else `pmid:<PMID>` (else
 * `pmcid:<PMCID>` for a PMC article PubMed does not list); `work_ids` maps every DOI, PMID and
 * PMCID to one work, so a work first seen without a DOI stays one work when its DOI appears.
 * The DOI decides first: two records with different DOIs are two works whatever other id they
 * share (the shared id stays with the first; the conflict is logged, event `store.id_conflict`).
 * Resolution and write happen in one transaction holding an advisory lock per id, so two
 * processes storing the same work at once make one.
 */

export type UpsertStatus = 'created' | 'updated' | 'unchanged' | 'duplicate';

export interface WorkIds {
  key?: string;
  doi?: string;
  pmid?: string;
  pmcid?: string;
}

export interface UpsertResult {
  key: string;
  status: UpsertStatus;
  /** True when this watch had not matched the work before. */
  watchAdded: boolean;
  /** An id of this record already belongs to another work (logged as `store.id_conflict`). */
  conflict?: { reason: string; record: WorkIds; existing: WorkIds };
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

/** A search hit: the work, when it was first matched and by which watches. */
export interface SearchHit extends WorkSummary {
  journal: string;
  rank: number;
}

/** The database a record came from: PubMed (citations and books) or PMC (JATS). */
export type WorkSource = 'pubmed' | 'pmc';

const summaryRow = z.object({
  key: z.string(),
  doi: optionalText,
  pmid: optionalText,
  pmcid: optionalText,
  title: z.string(),
  first_seen: ms,
  watches: z.array(z.string()).nullable(),
});

const workRow = summaryRow.extend({
  article: documentOf(articleSchema),
  updated_at: ms,
  idconv_at: optionalMs,
  sources: z.array(z.enum(['pubmed', 'pmc'])).nullable(),
});

const SUMMARY_COLUMNS = `w.key, w.doi, w.pmid, w.pmcid, w.title, w.first_seen,
  (SELECT array_agg(ww.watch_id ORDER BY ww.watch_id) FROM work_watches ww WHERE ww.work_key = w.key) AS watches`;

function toSummary(row: z.output<typeof summaryRow>): WorkSummary {
  return {
    key: row.key,
    doi: row.doi,
    pmid: row.pmid,
    pmcid: row.pmcid,
    title: row.title,
    watches: row.watches ?? [],
    firstSeen: row.first_seen,
  };
}

/** A lock id per work id (DOI, PMID, PMCID), so upserts touching the same ids queue up. */
function lockIds(ids: { doi?: string; pmid?: string; pmcid?: string }): string[] {
  return [ids.doi && `doi:${ids.doi}`, ids.pmid && `pmid:${ids.pmid}`, ids.pmcid && `pmcid:${ids.pmcid}`].filter((x): x is string => Boolean(x));
}

/** Transaction-scoped advisory locks on these ids, taken in hash order (the same order everywhere: no deadlock). */
async function lockAll(tx: Queryable, ids: string[]): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(id) AS h FROM unnest($1::text[]) AS id) locks ORDER BY h', [ids]);
}

export class WorkStore {
  constructor(
    private readonly db: Database,
    private readonly log?: Logger,
  ) {}

  /** Store (or refresh) one article as a work matched by `watchId`. Safe to repeat. */
  async upsert(article: Article, watchId: string, now = Date.now()): Promise<UpsertResult> {
    const result = await this.db.transaction((tx) => this.upsertIn(tx, article, watchId, now));
    if (result.conflict) this.log?.warn({ event: 'store.id_conflict', ...result.conflict }, `${result.conflict.reason}: both records kept`);
    return result;
  }

  /**
   * A batch (one efetch's records) in one transaction: stored all together or not at all, with
   * one commit instead of one per work. The locks of every id in the batch are taken first, in
   * one sorted order: two batches sharing ids then queue up instead of deadlocking.
   */
  async upsertMany(articles: Article[], watchId: string, now = Date.now()): Promise<UpsertResult[]> {
    if (articles.length === 0) return [];
    const ids = articles.flatMap((a) => lockIds({ doi: normaliseDoi(a.doi), pmid: a.pmid || undefined, pmcid: a.pmcid || undefined }));
    const results = await this.db.transaction(async (tx) => {
      await lockAll(tx, ids);
      const batch = await upsertBatch(tx, articles, watchId, now, (key) => this.idsOf(tx, key));
      if (batch) return batch;
      // Two records of the batch touch one work or id: one by one, in order, as upsert would.
      const out: UpsertResult[] = [];
      for (const article of articles) out.push(await this.upsertIn(tx, article, watchId, now, { locked: true }));
      return out;
    });
    for (const result of results)
      if (result.conflict) this.log?.warn({ event: 'store.id_conflict', ...result.conflict }, `${result.conflict.reason}: both records kept`);
    return results;
  }

  /**
   * The batch as upsertMany stores it, unless PostgreSQL refuses a record of it (isRecordRefusal):
   * then record by record, each in its own transaction, so the others are stored and the refused
   * ones come back with the reason. Any other failure (the database away) is thrown: the whole
   * batch is tried again later. One by one is slower, and only taken when a record was refused.
   */
  async upsertEach<T extends Article>(
    articles: T[],
    watchId: string,
    now = Date.now(),
  ): Promise<{ stored: UpsertResult[]; refused: { article: T; reason: string }[] }> {
    try {
      return { stored: await this.upsertMany(articles, watchId, now), refused: [] };
    } catch (err) {
      if (!isRecordRefusal(err)) throw err;
    }
    const stored: UpsertResult[] = [];
    const refused: { article: T; reason: string }[] = [];
    for (const article of articles) {
      try {
        stored.push(await this.upsert(article, watchId, now));
      } catch (err) {
        if (!isRecordRefusal(err)) throw err;
        refused.push({ article, reason: refusalReason(err) });
      }
    }
    return { stored, refused };
  }

  private async upsertIn(tx: Queryable, article: Article, watchId: string, now: number, options: { locked?: boolean } = {}): Promise<UpsertResult> {
    const doi = normaliseDoi(article.doi);
    const pmid = article.pmid || undefined;
    const pmcid = article.pmcid || undefined;
    const record: WorkIds = { doi: article.doi, pmid, pmcid };
    if (!options.locked) await lockAll(tx, lockIds({ doi, pmid, pmcid }));
    const found = parseRows(
      z.object({ id_kind: z.enum(['doi', 'pmid', 'pmcid']), work_key: z.string(), work_doi: optionalText }),
      await tx.query(
        `SELECT i.id_kind, i.work_key, (SELECT d.value FROM work_ids d WHERE d.work_key = i.work_key AND d.id_kind = 'doi' LIMIT 1) AS work_doi
         FROM work_ids i WHERE (i.id_kind = 'doi' AND i.value = $1) OR (i.id_kind = 'pmid' AND i.value = $2) OR (i.id_kind = 'pmcid' AND i.value = $3)`,
        [doi ?? null, pmid ?? null, pmcid ?? null],
      ),
      'work id',
    );
    const by = (kind: string) => found.find((row) => row.id_kind === kind);
    let key: string | undefined;
    let conflict: UpsertResult['conflict'];
    if (doi) {
      const byId = by('pmid') ?? by('pmcid');
      if (by('doi')) key = by('doi')!.work_key;
      else if (byId && !byId.work_doi)
        key = byId.work_key; // first seen without a DOI: it is this one
      else if (byId)
        conflict = {
          reason: `${byId.id_kind.toUpperCase()} already belongs to a work with another DOI`,
          record,
          existing: await this.idsOf(tx, byId.work_key),
        };
    } else {
      key = (by('pmid') ?? by('pmcid'))?.work_key;
    }
    key ??= doi ?? (pmid ? `pmid:${pmid}` : pmcid ? `pmcid:${pmcid}` : undefined);
    if (!key) throw new Error('a work needs a DOI, a PMID or a PMCID');

    const json = JSON.stringify(article);
    const hash = createHash('sha1').update(json).digest('hex');
    const at = new Date(now);
    // Most records are new: insert first, and read the stored row only when there is one.
    const inserted = await tx.query(
      `INSERT INTO works (key, doi, pmid, pmcid, title, kind, article, hash, first_seen, updated_at, search_body)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $9, $10) ON CONFLICT (key) DO NOTHING RETURNING 1`,
      [key, article.doi ?? null, pmid ?? null, pmcid ?? null, article.title, article.kind, document(article), hash, at, searchBody(article)],
    );
    const stored =
      inserted.length === 1
        ? undefined
        : parseRow(
            z.object({ hash: z.string(), pmid: optionalText, kind: z.string() }),
            (await tx.query('SELECT hash, pmid, kind FROM works WHERE key = $1 FOR UPDATE', [key]))[0],
            'work',
          );
    let status: UpsertStatus;
    if (!stored) {
      status = 'created';
    } else if (article.kind === 'pmc' && stored.kind !== 'pmc') {
      // PubMed's record stays the work's metadata; PMC adds its id and the source.
      status = 'unchanged';
      if (pmcid) await tx.query('UPDATE works SET pmcid = coalesce(pmcid, $2) WHERE key = $1', [key, pmcid]);
    } else if (stored.pmid && pmid && stored.pmid !== pmid) {
      // A second PubMed record of the same work (same DOI, other PMID): the first stays the record.
      status = 'duplicate';
      conflict = { reason: 'a second record with the same DOI and another PMID', record, existing: await this.idsOf(tx, key) };
    } else if (stored.hash !== hash) {
      status = 'updated';
      await tx.query(
        `UPDATE works SET doi = $2, pmid = $3, pmcid = coalesce($4, pmcid), title = $5, kind = $6, article = $7::jsonb, hash = $8, updated_at = $9, search_body = $10 WHERE key = $1`,
        [key, article.doi ?? null, pmid ?? null, pmcid ?? null, article.title, article.kind, document(article), hash, at, searchBody(article)],
      );
    } else {
      status = 'unchanged';
    }
    // Each id points at one work (an id another work already holds stays with it); the source
    // and the watch are recorded in the same statement.
    const added = await tx.query(
      `WITH ids AS (
         INSERT INTO work_ids (id_kind, value, work_key) SELECT kind, value, $4 FROM (VALUES ('doi', $1::text), ('pmid', $2::text), ('pmcid', $3::text)) AS ids (kind, value)
         WHERE value IS NOT NULL ON CONFLICT DO NOTHING
       ), sources AS (
         INSERT INTO work_sources (work_key, source) VALUES ($4, $5) ON CONFLICT DO NOTHING
       )
       INSERT INTO work_watches (work_key, watch_id, matched_at) SELECT $4, $6, $7 WHERE $6::text <> '' ON CONFLICT DO NOTHING RETURNING 1`,
      [doi ?? null, pmid ?? null, pmcid ?? null, key, sourceOf(article), watchId, at],
    );
    const watchAdded = added.length === 1;
    return { key, status, watchAdded, ...(conflict ? { conflict } : {}) };
  }

  private async idsOf(tx: Queryable, key: string): Promise<WorkIds> {
    const row = parseRow(
      z.object({ doi: optionalText, pmid: optionalText, pmcid: optionalText }),
      (await tx.query('SELECT doi, pmid, pmcid FROM works WHERE key = $1', [key]))[0],
      'work',
    );
    return { key, ...(row?.doi ? { doi: row.doi } : {}), ...(row?.pmid ? { pmid: row.pmid } : {}), ...(row?.pmcid ? { pmcid: row.pmcid } : {}) };
  }

  /** PMID -> work key for the PMIDs already stored (the others are absent from the map). */
  keysForPmids(pmids: string[]): Promise<Map<string, string>> {
    return this.lookUp('pmid', pmids);
  }

  /** PMCID -> work key for the PMCIDs already stored. */
  keysForPmcids(pmcids: string[]): Promise<Map<string, string>> {
    return this.lookUp('pmcid', pmcids);
  }

  private async lookUp(kind: 'pmid' | 'pmcid', ids: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (ids.length === 0) return found;
    const rows = parseRows(
      z.object({ value: z.string(), work_key: z.string() }),
      await this.db.query('SELECT value, work_key FROM work_ids WHERE id_kind = $1 AND value = ANY($2::text[])', [kind, ids]),
      'work id',
    );
    for (const row of rows) found.set(row.value, row.work_key);
    return found;
  }

  /**
   * Record that `watchId` found works already stored, in `source`. Returns how many were new to
   * the watch.
   */
  async linkWatch(workKeys: string[], watchId: string, source: WorkSource, now = Date.now()): Promise<number> {
    if (workKeys.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      await tx.query(
        'INSERT INTO work_sources (work_key, source) SELECT k, $2 FROM unnest($1::text[]) AS k WHERE EXISTS (SELECT 1 FROM works WHERE key = k) ON CONFLICT DO NOTHING',
        [workKeys, source],
      );
      const added = await tx.query(
        'INSERT INTO work_watches (work_key, watch_id, matched_at) SELECT k, $2, $3 FROM unnest($1::text[]) AS k WHERE EXISTS (SELECT 1 FROM works WHERE key = k) ON CONFLICT DO NOTHING RETURNING 1',
        [workKeys, watchId, new Date(now)],
      );
      return added.length;
    });
  }

  async count(watchId?: string): Promise<number> {
    const rows = watchId
      ? await this.db.query('SELECT count(*) AS n FROM work_watches WHERE watch_id = $1', [watchId])
      : await this.db.query('SELECT count(*) AS n FROM works');
    return parseRow(z.object({ n: count }), rows[0], 'count')?.n ?? 0;
  }

  /** The works a watch first matched at or after `sinceMs`, with when it matched them (ms). */
  async matchedSince(watchId: string, sinceMs: number): Promise<{ key: string; matchedAt: number }[]> {
    const rows = await this.db.query('SELECT work_key, matched_at FROM work_watches WHERE watch_id = $1 AND matched_at >= $2 ORDER BY matched_at', [
      watchId,
      new Date(sinceMs),
    ]);
    return parseRows(z.object({ work_key: z.string(), matched_at: ms }), rows, 'work watch').map((row) => ({ key: row.work_key, matchedAt: row.matched_at }));
  }

  /** Works newest first (by when they were first seen, or first matched by the watch). */
  async list(options: { watchId?: string; limit?: number } = {}): Promise<WorkSummary[]> {
    const limit = options.limit && options.limit > 0 ? options.limit : null;
    const rows = options.watchId
      ? await this.db.query(
          `SELECT ${SUMMARY_COLUMNS} FROM work_watches m JOIN works w ON w.key = m.work_key WHERE m.watch_id = $1 ORDER BY m.matched_at DESC, w.key DESC LIMIT $2`,
          [options.watchId, limit],
        )
      : await this.db.query(`SELECT ${SUMMARY_COLUMNS} FROM works w ORDER BY w.first_seen DESC, w.key DESC LIMIT $1`, [limit]);
    return parseRows(summaryRow, rows, 'work').map(toSummary);
  }

  /** When the watch first matched any work (ms), undefined when it never did. */
  async firstMatchedAt(watchId: string): Promise<number | undefined> {
    const row = parseRow(
      z.object({ first: optionalMs }),
      (await this.db.query('SELECT min(matched_at) AS first FROM work_watches WHERE watch_id = $1', [watchId]))[0],
      'work watch',
    );
    return row?.first;
  }

  /** Works the watch newly matched per day (UTC) for the last `days` days, oldest first, zero-filled. */
  async dailyMatched(watchId: string, days: number, now = Date.now()): Promise<{ day: string; count: number }[]> {
    const DAY_MS = 86_400_000;
    const wanted = Array.from({ length: days }, (_, i) => new Date(now - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
    const rows = parseRows(
      z.object({ day: z.string(), n: count }),
      await this.db.query(
        `SELECT to_char(matched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) AS n FROM work_watches
         WHERE watch_id = $1 AND matched_at >= $2 AND matched_at < $3 GROUP BY 1`,
        [watchId, new Date(`${wanted[0]}T00:00:00Z`), new Date(Date.parse(`${wanted.at(-1)}T00:00:00Z`) + DAY_MS)],
      ),
      'daily count',
    );
    const byDay = new Map(rows.map((row) => [row.day, row.n]));
    return wanted.map((day) => ({ day, count: byDay.get(day) ?? 0 }));
  }

  /** Works first seen since `sinceMs` that have a PMID (so PubMed can be asked about them again), oldest first. */
  async withPmidSince(sinceMs: number): Promise<{ key: string; pmid: string }[]> {
    const rows = await this.db.query("SELECT key, pmid FROM works WHERE first_seen >= $1 AND pmid IS NOT NULL AND pmid <> '' ORDER BY first_seen, key", [
      new Date(sinceMs),
    ]);
    return parseRows(z.object({ key: z.string(), pmid: z.string() }), rows, 'work');
  }

  async get(key: string): Promise<StoredWork | undefined> {
    return (await this.getMany([key]))[0];
  }

  /** These works, in the order asked, those that exist. */
  async getMany(keys: string[]): Promise<StoredWork[]> {
    if (keys.length === 0) return [];
    const rows = parseRows(
      workRow,
      await this.db.query(
        `SELECT ${SUMMARY_COLUMNS}, w.article, w.updated_at, w.idconv_at,
           (SELECT array_agg(s.source ORDER BY s.source) FROM work_sources s WHERE s.work_key = w.key) AS sources
         FROM works w WHERE w.key = ANY($1::text[])`,
        [keys],
      ),
      'work',
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    return keys.flatMap((key) => {
      const row = byKey.get(key);
      if (!row) return [];
      const article = { ...row.article };
      // A PMCID learnt later (ID converter) lives in the row; the card should know it too.
      if (row.pmcid && !article.pmcid) article.pmcid = row.pmcid;
      return [
        {
          ...toSummary(row),
          article,
          sources: row.sources ?? [],
          updatedAt: row.updated_at,
          ...(row.idconv_at !== undefined ? { idconvAt: row.idconv_at } : {}),
        },
      ];
    });
  }

  /** Record the ID converter's answer: the PMCID when PMC has the work, and that it was asked. */
  async recordIdconv(key: string, pmcid: string | undefined, now = Date.now()): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('UPDATE works SET idconv_at = $2, pmcid = coalesce($3, pmcid) WHERE key = $1', [key, new Date(now), pmcid ?? null]);
      if (pmcid) await tx.query(`INSERT INTO work_ids (id_kind, value, work_key) VALUES ('pmcid', $1, $2) ON CONFLICT DO NOTHING`, [pmcid, key]);
    });
  }

  /** The ID converter's answers for many works at once (as recordIdconv, in two statements). */
  async recordIdconvMany(answers: { key: string; pmcid: string | undefined }[], now = Date.now()): Promise<void> {
    if (answers.length === 0) return;
    const keys = answers.map((a) => a.key);
    const pmcids = answers.map((a) => a.pmcid ?? null);
    await this.db.transaction(async (tx) => {
      await tx.query('UPDATE works w SET idconv_at = $3, pmcid = coalesce(u.c, w.pmcid) FROM unnest($1::text[], $2::text[]) AS u (k, c) WHERE w.key = u.k', [
        keys,
        pmcids,
        new Date(now),
      ]);
      await tx.query(
        `INSERT INTO work_ids (id_kind, value, work_key) SELECT 'pmcid', c, k FROM unnest($1::text[], $2::text[]) AS u (k, c) WHERE c IS NOT NULL ON CONFLICT DO NOTHING`,
        [keys, pmcids],
      );
    });
  }

  /**
   * Full-text search over title, authors, journal, abstract, MeSH terms and entity names
   * (PostgreSQL's English configuration, `websearch_to_tsquery` syntax: words, "phrases",
   * -not, or). Newest first, optionally within one watch's works.
   */
  async search(query: string, options: { watchId?: string; limit?: number } = {}): Promise<SearchHit[]> {
    const rows = await this.db.query(
      `SELECT ${SUMMARY_COLUMNS}, w.article->'value'->'journal'->>'title' AS journal, ts_rank(w.search, q) AS rank
       FROM works w, websearch_to_tsquery('english', $1) AS q
       WHERE w.search @@ q AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM work_watches m WHERE m.work_key = w.key AND m.watch_id = $2))
       ORDER BY w.first_seen DESC, w.key DESC LIMIT $3`,
      [query, options.watchId ?? null, options.limit ?? 50],
    );
    return parseRows(summaryRow.extend({ journal: z.string().nullable(), rank: z.coerce.number() }), rows, 'search hit').map((row) => ({
      ...toSummary(row),
      journal: row.journal ?? '',
      rank: row.rank,
    }));
  }
}
