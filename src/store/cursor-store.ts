import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Database } from './db/database.ts';
import { ms, parseRow } from './documents.ts';

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

const cursorRow = z.object({ date: z.string(), query_hash: z.string(), updated_at: ms });

export class CursorStore {
  constructor(private readonly db: Database) {}

  /** The cursor for this watch and query (see queryHash), or undefined when a poll must start afresh. */
  async get(watchId: string, hash: string): Promise<WatchCursor | undefined> {
    const row = parseRow(
      cursorRow,
      (await this.db.query('SELECT date, query_hash, updated_at FROM watch_cursors WHERE watch_id = $1', [watchId]))[0],
      'watch cursor',
    );
    if (!row || row.query_hash !== hash) return undefined;
    return { date: row.date, queryHash: row.query_hash, updatedAt: row.updated_at };
  }

  /**
   * Returns false when the stored cursor was already at or past `date` for this query. Moves
   * forward only: two polls of one watch finishing out of order never move it back.
   */
  async advance(watchId: string, hash: string, date: string, now = Date.now()): Promise<boolean> {
    const moved = await this.db.query(
      `INSERT INTO watch_cursors (watch_id, date, query_hash, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (watch_id) DO UPDATE SET date = excluded.date, query_hash = excluded.query_hash, updated_at = excluded.updated_at
       WHERE watch_cursors.query_hash <> excluded.query_hash OR watch_cursors.date < excluded.date
       RETURNING 1`,
      [watchId, date, hash, new Date(now)],
    );
    return moved.length === 1;
  }
}
