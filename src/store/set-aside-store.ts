import { z } from 'zod';
import type { Database } from './db/database.ts';
import { count, ms, parseRows } from './documents.ts';
import type { WorkSource } from './work-store.ts';

/**
 * Records a fetch could not store, set aside with the reason so that the rest of their batch,
 * the poll and the watch's cursor go on (migration 0003). Listed on /admin and by
 * `litwatch set-aside`; storing a record later takes it off the list.
 */
export interface SetAsideRecord {
  source: WorkSource;
  /** PMID (PubMed) or PMCID (PMC). */
  recordId: string;
  /** The watch whose poll met it last. */
  watchId: string;
  /** The refusal, in one line (PostgreSQL's message and SQLSTATE). */
  reason: string;
  title: string;
  firstAt: number;
  lastAt: number;
  /** How many fetches set it aside. */
  times: number;
}

export type NewSetAside = Pick<SetAsideRecord, 'source' | 'recordId' | 'watchId' | 'reason' | 'title'>;

const row = z.object({
  source: z.enum(['pubmed', 'pmc']),
  record_id: z.string(),
  watch_id: z.string(),
  reason: z.string(),
  title: z.string(),
  first_at: ms,
  last_at: ms,
  times: count,
});

/**
 * SQLSTATE classes that say the record itself was refused, not that the database is away:
 * 22 data exception (a jsonb `\ud800`, a value too long), 23 integrity constraint, 54 program
 * limit (a tsvector over 1 MB, an index row too large), P0 raised by a trigger. Anything else
 * (a lost connection, a serialisation failure, a bug in our SQL) fails the batch, to be retried.
 */
const RECORD_REFUSALS = /^(22|23|54|P0)/;

/** True when `err` is PostgreSQL refusing the data it was given (see RECORD_REFUSALS). */
export function isRecordRefusal(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length === 5 && RECORD_REFUSALS.test(code);
}

/** A refusal as one line: PostgreSQL's message, its detail (where jsonb says what it refused) and its SQLSTATE. */
export function refusalReason(err: unknown): string {
  const { code, detail } = (err ?? {}) as { code?: unknown; detail?: unknown };
  const message = err instanceof Error ? err.message : String(err);
  const text = typeof detail === 'string' && detail !== '' ? `${message}: ${detail}` : message;
  return `${text.replace(/\s+/g, ' ').trim()}${typeof code === 'string' ? ` (SQLSTATE ${code})` : ''}`;
}

export class SetAsideStore {
  constructor(private readonly db: Database) {}

  /** Set these records aside (again: the reason and watch are the latest, `times` counts). */
  async add(records: readonly NewSetAside[], now = Date.now()): Promise<void> {
    if (records.length === 0) return;
    await this.db.query(
      `INSERT INTO set_aside_records (source, record_id, watch_id, reason, title, first_at, last_at)
       SELECT s, r, w, why, t, $6, $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS n (s, r, w, why, t)
       ON CONFLICT (source, record_id) DO UPDATE SET watch_id = excluded.watch_id, reason = excluded.reason, title = excluded.title,
         last_at = excluded.last_at, times = set_aside_records.times + 1`,
      [
        records.map((r) => r.source),
        records.map((r) => r.recordId),
        records.map((r) => r.watchId),
        records.map((r) => r.reason),
        records.map((r) => r.title),
        new Date(now),
      ],
    );
  }

  /** These records were stored after all: off the list. */
  async clear(source: WorkSource, recordIds: readonly string[]): Promise<void> {
    if (recordIds.length === 0) return;
    await this.db.query('DELETE FROM set_aside_records WHERE source = $1 AND record_id = ANY($2::text[])', [source, recordIds]);
  }

  /** Newest first. */
  async list(limit = 100): Promise<SetAsideRecord[]> {
    const rows = parseRows(
      row,
      await this.db.query(
        'SELECT source, record_id, watch_id, reason, title, first_at, last_at, times FROM set_aside_records ORDER BY last_at DESC, record_id LIMIT $1',
        [limit],
      ),
      'set-aside record',
    );
    return rows.map((r) => ({
      source: r.source,
      recordId: r.record_id,
      watchId: r.watch_id,
      reason: r.reason,
      title: r.title,
      firstAt: r.first_at,
      lastAt: r.last_at,
      times: r.times,
    }));
  }

  async count(): Promise<number> {
    return parseRows(z.object({ n: count }), await this.db.query('SELECT count(*) AS n FROM set_aside_records'), 'set-aside count')[0]?.n ?? 0;
  }
}
