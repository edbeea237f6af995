import { z } from 'zod';
import type { Database } from './db/database.ts';
import { ImportError } from './db/database-errors.ts';
import { knownMigrations } from './db/migrate.ts';
import { count, parseRows } from './documents.ts';

/**
 * Every durable table, in an order where each row's references are already there on import,
 * with its primary key (export pages through each table by it).
 */
const TABLES: readonly { name: string; key: readonly string[] }[] = [
  { name: 'works', key: ['key'] },
  { name: 'work_ids', key: ['id_kind', 'value'] },
  { name: 'work_watches', key: ['work_key', 'watch_id'] },
  { name: 'work_sources', key: ['work_key', 'source'] },
  { name: 'work_enrichment', key: ['work_key'] },
  { name: 'work_notices', key: ['work_key', 'notice_pmid'] },
  { name: 'watch_cursors', key: ['watch_id'] },
  { name: 'watch_status', key: ['watch_id'] },
  { name: 'subscribers', key: ['id'] },
  { name: 'subscription_requests', key: ['id'] },
  { name: 'subscriber_sends', key: ['subscriber_id', 'sent_at'] },
  { name: 'owed_notices', key: ['subscriber_id', 'work_key', 'notice_pmid'] },
  { name: 'digests', key: ['id'] },
  { name: 'metric_counters', key: ['name'] },
  { name: 'set_aside_records', key: ['source', 'record_id'] },
];

const PAGE = 1000;

/**
 * Exports written before schema 6 (0006_digest_work_arrays) list a digest's works and the sent
 * history a row per (digest or subscriber, work). Such a file still imports: those rows go into
 * temporary tables of the old shape and are turned into arrays as the migration does.
 */
const ARRAYS_SCHEMA = 6;
const OLD_TABLES: readonly { name: string; create: string }[] = [
  { name: 'subscriber_sent', create: 'CREATE TEMP TABLE subscriber_sent (subscriber_id text, work_key text, sent_at timestamptz) ON COMMIT DROP' },
  { name: 'digest_items', create: 'CREATE TEMP TABLE digest_items (digest_id text, position integer, work_key text) ON COMMIT DROP' },
];
const FROM_OLD_TABLES = [
  `UPDATE digests d SET work_keys = i.keys
     FROM (SELECT digest_id, array_agg(work_key ORDER BY position) AS keys FROM digest_items GROUP BY digest_id) i WHERE i.digest_id = d.id`,
  `INSERT INTO subscriber_sends (subscriber_id, sent_at, work_keys)
     SELECT subscriber_id, sent_at, array_agg(work_key ORDER BY work_key) FROM subscriber_sent GROUP BY subscriber_id, sent_at`,
];

export interface ExportHeader {
  litwatch: 'export';
  format: 1;
  /** The schema (migration) version the rows were written under. */
  schema: number;
  exportedAt: string;
}

/** One line of an export after the header: a table's row, every column but generated ones. */
export interface ExportLine {
  table: string;
  row: Record<string, unknown>;
}

const headerSchema = z.object({ litwatch: z.literal('export'), format: z.literal(1), schema: z.number().int(), exportedAt: z.string() });
const lineSchema = z.object({ table: z.string(), row: z.record(z.string(), z.unknown()) });

/**
 * Backup and restore as JSON lines: `export` writes every durable record (works with their
 * enrichment and notices, watch state, subscribers with their preferences, history and owed
 * notices, digests with their works, counters); `import` loads such a file into an empty
 * database, in one transaction.
 */
export class BackupStore {
  constructor(private readonly db: Database) {}

  header(): ExportHeader {
    return { litwatch: 'export', format: 1, schema: knownMigrations().at(-1)?.version ?? 0, exportedAt: new Date().toISOString() };
  }

  /** Every row of every durable table, table by table, in primary-key order. */
  async *rows(): AsyncGenerator<ExportLine> {
    for (const table of TABLES) {
      const columns = await this.columns(table.name);
      const select = columns.map((c) => `'${c}', t.${c}`).join(', ');
      const key = table.key.map((k) => `t.${k}`).join(', ');
      let after: unknown[] | undefined;
      for (;;) {
        const where = after ? `WHERE (${key}) > (${table.key.map((_, i) => `$${i + 2}`).join(', ')})` : '';
        const rows = await this.db.query(
          `SELECT jsonb_build_object(${select}) AS row, ${table.key.map((k) => `t.${k}::text AS "k_${k}"`).join(', ')} FROM ${table.name} t ${where} ORDER BY ${key} LIMIT $1`,
          [PAGE, ...(after ?? [])],
        );
        for (const r of parseRows(z.object({ row: z.record(z.string(), z.unknown()) }).loose(), rows, table.name)) yield { table: table.name, row: r.row };
        if (rows.length < PAGE) break;
        const last = rows.at(-1)!;
        after = table.key.map((k) => last[`k_${k}`]);
      }
    }
  }

  /** Rows of each durable table (import needs every one empty). */
  async counts(): Promise<Record<string, number>> {
    const union = TABLES.map((t) => `SELECT '${t.name}' AS name, count(*) AS n FROM ${t.name}`).join(' UNION ALL ');
    return Object.fromEntries(parseRows(z.object({ name: z.string(), n: count }), await this.db.query(union), 'row count').map((r) => [r.name, r.n]));
  }

  /**
   * Loads an export into this (empty) database; `lines` are the file's lines after the header
   * (numbered from 2). Nothing is written unless every line is.
   */
  async load(
    file: string,
    header: unknown,
    lines: AsyncIterable<{ number: number; text: string }>,
    progress?: (rows: number) => void,
  ): Promise<Record<string, number>> {
    const parsedHeader = headerSchema.safeParse(header);
    if (!parsedHeader.success) throw new ImportError(`${file}:1: not a litwatch export (the first line must be its header)`);
    const schema = knownMigrations().at(-1)?.version ?? 0;
    if (parsedHeader.data.schema > schema)
      throw new ImportError(
        `${file}:1: written under schema ${parsedHeader.data.schema}, newer than this litwatch knows (${schema}): import it with the newer litwatch`,
      );
    const nonEmpty = Object.entries(await this.counts()).filter(([, n]) => n > 0);
    if (nonEmpty.length > 0) throw new ImportError(`import needs an empty database: ${nonEmpty.map(([t, n]) => `${t} has ${n} rows`).join(', ')}`);
    const known = new Map(await Promise.all(TABLES.map(async (t) => [t.name, await this.columns(t.name)] as const)));
    const old = parsedHeader.data.schema < ARRAYS_SCHEMA;
    if (old) {
      known.set('subscriber_sent', ['subscriber_id', 'work_key', 'sent_at']);
      known.set('digest_items', ['digest_id', 'position', 'work_key']);
    }
    const loaded: Record<string, number> = {};
    await this.db.transaction(async (tx) => {
      if (old) for (const table of OLD_TABLES) await tx.query(table.create);
      let batch: { table: string; rows: Record<string, unknown>[] } | undefined;
      let total = 0;
      const flush = async () => {
        if (!batch || batch.rows.length === 0) return;
        const columns = known.get(batch.table)!;
        const list = columns.join(', ');
        await tx.query(`INSERT INTO ${batch.table} (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::${batch.table}, $1::jsonb)`, [
          JSON.stringify(batch.rows),
        ]);
        loaded[batch.table] = (loaded[batch.table] ?? 0) + batch.rows.length;
        total += batch.rows.length;
        progress?.(total);
        batch = undefined;
      };
      for await (const { number, text } of lines) {
        if (text.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          throw new ImportError(`${file}:${number}: not JSON`);
        }
        const line = lineSchema.safeParse(value);
        if (!line.success) throw new ImportError(`${file}:${number}: expected {"table": ..., "row": {...}}`);
        const columns = known.get(line.data.table);
        if (!columns) throw new ImportError(`${file}:${number}: unknown table "${line.data.table}"`);
        const extra = Object.keys(line.data.row).find((c) => !columns.includes(c));
        if (extra) throw new ImportError(`${file}:${number}: ${line.data.table}.${extra}: unknown column`);
        if (batch && (batch.table !== line.data.table || batch.rows.length >= PAGE)) await flush();
        batch ??= { table: line.data.table, rows: [] };
        // Its works arrive as digest_items rows and are put in at the end.
        if (old && line.data.table === 'digests') line.data.row.work_keys ??= [];
        batch.rows.push(line.data.row);
      }
      await flush();
      if (old) for (const statement of FROM_OLD_TABLES) await tx.query(statement);
    });
    return loaded;
  }

  /** The table's columns a row carries (generated ones, like the search vector, are rebuilt). */
  private async columns(table: string): Promise<string[]> {
    const rows = await this.db.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
      [table],
    );
    return parseRows(z.object({ column_name: z.string() }), rows, 'column').map((r) => r.column_name);
  }
}
