import { z } from 'zod';
import type { Database } from './db/database.ts';
import { count, ms, parseRow, parseRows } from './documents.ts';

/** A feed document as built once and served many times. */
export interface CachedFeed {
  format: string;
  etag: string;
  body: string;
  /** Epoch ms, whole seconds (HTTP dates have no finer grain). */
  lastModified: number;
}

const cachedRow = z.object({ format: z.string(), etag: z.string(), body: z.string(), last_modified: ms });

/**
 * Built feeds (table feed_cache), and the fingerprint that says when a watch's feed must be
 * built again. The cache lives in PostgreSQL, beside the works it is built from, so every web
 * process shares it and a restart keeps it; Redis holds queues only.
 */
export class FeedStore {
  constructor(private readonly db: Database) {}

  /**
   * A digest of everything a watch's feed shows of its newest `limit` works: which works, when
   * matched, their record (updated_at), a PMCID the ID converter learnt (it does not touch
   * updated_at) and the model summary (enrichment has no timestamp). One indexed query over at
   * most `limit` rows, cheap enough to run per request.
   */
  async fingerprint(watchId: string, limit: number): Promise<{ digest: string; works: number }> {
    const row = parseRow(
      z.object({ digest: z.string().nullable(), works: count }),
      (
        await this.db.query(
          `SELECT md5(string_agg(concat_ws('|', m.work_key, m.matched_at, w.updated_at, w.pmcid, md5(e.summary::text)), ',' ORDER BY m.matched_at DESC, m.work_key DESC)) AS digest,
             count(*) AS works
           FROM (SELECT work_key, matched_at FROM work_watches WHERE watch_id = $1 ORDER BY matched_at DESC, work_key DESC LIMIT $2) m
           JOIN works w ON w.key = m.work_key
           LEFT JOIN work_enrichment e ON e.work_key = m.work_key`,
          [watchId, limit],
        )
      )[0],
      'feed fingerprint',
    );
    return { digest: row?.digest ?? 'empty', works: row?.works ?? 0 };
  }

  /** The watch's feeds built for this version (none when they were built for another). */
  async get(watchId: string, version: string): Promise<CachedFeed[]> {
    const rows = await this.db.query('SELECT format, etag, body, last_modified FROM feed_cache WHERE watch_id = $1 AND version = $2', [watchId, version]);
    return parseRows(cachedRow, rows, 'feed cache').map(toCached);
  }

  /**
   * Store the feeds of a new version and return them as stored. Last-Modified is `now` in whole
   * seconds, but always at least a second after the version it replaces: a client that only
   * sends If-Modified-Since must see a change made within the same second. When another process
   * stored this version first, its row stays (same bytes, and the Last-Modified it already served).
   */
  async save(watchId: string, version: string, feeds: readonly { format: string; etag: string; body: string }[], now: number): Promise<CachedFeed[]> {
    return this.db.transaction(async (tx) => {
      for (const feed of feeds) {
        await tx.query(
          `INSERT INTO feed_cache (watch_id, format, version, etag, body, last_modified)
           VALUES ($1, $2, $3, $4, $5, date_trunc('second', $6::timestamptz))
           ON CONFLICT (watch_id, format) DO UPDATE SET version = excluded.version, etag = excluded.etag, body = excluded.body,
             last_modified = greatest(excluded.last_modified, feed_cache.last_modified + interval '1 second')
           WHERE feed_cache.version <> excluded.version`,
          [watchId, feed.format, version, feed.etag, feed.body, new Date(now)],
        );
      }
      const rows = await tx.query('SELECT format, etag, body, last_modified FROM feed_cache WHERE watch_id = $1 AND version = $2', [watchId, version]);
      return parseRows(cachedRow, rows, 'feed cache').map(toCached);
    });
  }
}

function toCached(row: z.output<typeof cachedRow>): CachedFeed {
  return { format: row.format, etag: row.etag, body: row.body, lastModified: row.last_modified };
}
