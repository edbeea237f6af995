import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseRows } from '../documents.ts';
import type { Database, Queryable } from './database.ts';
import { DatabaseInUseError, DatabaseTooNewError, DatabaseUnavailableError } from './database-errors.ts';

/** Numbered SQL files, `0001_initial.sql`, applied in order, each once, each in a transaction. */
const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
/** Any constant both sides agree on: concurrent starts queue on it while migrating (see applyPending). */
const MIGRATION_LOCK = 7_301_190_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrationStatus {
  /** Applied, in order, with when. */
  applied: { version: number; name: string; appliedAt: Date }[];
  /** Known to this code and not applied yet. */
  pending: Migration[];
  /** The newest version this code knows. */
  codeVersion: number;
}

export function knownMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({ version: Number(file.slice(0, 4)), name: file.replace(/\.sql$/, ''), sql: readFileSync(`${dir}/${file}`, 'utf8') }));
}

const CREATE_LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

async function appliedRows(db: Queryable) {
  const rows = parseRows(
    z.object({ version: z.number(), name: z.string(), applied_at: z.coerce.date() }),
    await db.query('SELECT version, name, applied_at FROM schema_migrations ORDER BY version'),
    'schema_migrations',
  );
  return rows.map((row) => ({ version: row.version, name: row.name, appliedAt: row.applied_at }));
}

export async function migrationStatus(db: Database, migrations = knownMigrations()): Promise<MigrationStatus> {
  const applied = await unavailableAsOneLine(db, async () => {
    await db.query(CREATE_LEDGER);
    return appliedRows(db);
  });
  const done = new Set(applied.map((m) => m.version));
  return { applied, pending: migrations.filter((m) => !done.has(m.version)), codeVersion: migrations.at(-1)?.version ?? 0 };
}

/**
 * Brings the schema up to this code's version under an advisory lock, so two processes
 * starting at once apply each migration once. Refuses a database newer than the code.
 * Returns the migrations it applied (none when up to date).
 */
export async function migrate(db: Database, migrations = knownMigrations()): Promise<Migration[]> {
  return unavailableAsOneLine(db, () => applyPending(db, migrations));
}

/**
 * One transaction per migration, each under a transaction-level advisory lock
 * (`pg_advisory_xact_lock`): PostgreSQL releases it at COMMIT or ROLLBACK, so it cannot outlive
 * its transaction. A session lock (`pg_advisory_lock`) behind PgBouncer in transaction mode is
 * taken on whichever server connection the pooler lends, and its unlock may go to another one:
 * the lock leaks and the next start waits forever. Each transaction reads the ledger again
 * under the lock, so a process that waited sees what the other applied.
 */
async function applyPending(db: Database, migrations: Migration[]): Promise<Migration[]> {
  const applied: Migration[] = [];
  for (;;) {
    const next = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await tx.query(CREATE_LEDGER);
      const done = await appliedRows(tx);
      const codeVersion = migrations.at(-1)?.version ?? 0;
      const dbVersion = done.at(-1)?.version ?? 0;
      if (dbVersion > codeVersion) throw new DatabaseTooNewError(db.where, dbVersion, codeVersion);
      const versions = new Set(done.map((m) => m.version));
      const migration = migrations.find((m) => !versions.has(m.version));
      if (!migration) return undefined;
      try {
        await tx.exec(migration.sql);
        await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      } catch (err) {
        throw new Error(`migration ${migration.name} failed: ${(err as Error).message}`);
      }
      return migration;
    });
    if (!next) return applied;
    applied.push(next);
  }
}

/** A server that does not answer (or refuses the login, or lacks the database) is one line, not a stack. */
export async function unavailableAsOneLine<T>(db: Database, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const code = (err as { code?: string }).code;
    // A socket left behind, its folder now held by a process that serves nobody (a CLI command).
    if (db.servedBy !== undefined && (code === 'ECONNREFUSED' || code === 'ENOENT')) throw new DatabaseInUseError(db.where, db.servedBy);
    if (db.kind === 'postgres' && code && ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', '3D000', '28P01', '28000'].includes(code)) {
      throw new DatabaseUnavailableError(db.where, (err as Error).message || code);
    }
    throw err;
  }
}
