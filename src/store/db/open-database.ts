import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Database } from './database.ts';
import { DatabaseInUseError } from './database-errors.ts';
import { openEmbedded, type EmbeddedOptions } from './embedded-database.ts';
import { SOCKET_PORT, socketFolder, socketPath } from './embedded-server.ts';
import { migrate } from './migrate.ts';
import { openPostgres, openServedEmbedded } from './postgres-database.ts';

export interface DatabaseSettings {
  /** A PostgreSQL server; unset: the embedded database in `dbDir`. */
  DATABASE_URL?: string;
  /** Connections of the pool to DATABASE_URL. @defaultValue 10 */
  DATABASE_POOL_SIZE?: number;
  LITWATCH_DB_DIR: string;
}

/** A database whose schema is brought up to date before its first statement runs. */
export interface MigratedDatabase extends Database {
  /** Resolves once connected and migrated; rejects with the one-line reason it cannot be used. */
  ready(): Promise<void>;
}

/**
 * The raw database the settings name, not migrated (`litwatch db status` looks before it leaps).
 * The embedded one is opened here when no other process has it, else reached through the socket
 * of the `litwatch start` that has it; `serve` (start) never takes the second way: one process
 * owns the folder.
 */
export function openDatabaseRaw(settings: DatabaseSettings, options: EmbeddedOptions = {}): Database {
  if (settings.DATABASE_URL) return openPostgres(settings.DATABASE_URL, { max: settings.DATABASE_POOL_SIZE });
  try {
    return openEmbedded(settings.LITWATCH_DB_DIR, options);
  } catch (err) {
    if (options.serve || !(err instanceof DatabaseInUseError)) throw err;
    const folder = path.resolve(settings.LITWATCH_DB_DIR);
    // No socket: the holder is a CLI command (or a litwatch from before sockets), which serves nobody.
    if (!existsSync(socketPath(folder))) throw err;
    return openServedEmbedded({ socketFolder: socketFolder(folder), port: SOCKET_PORT, folder, pid: err.pid });
  }
}

/**
 * Opens the database lazily: building the services stays synchronous, and the first statement
 * (or `ready()`, which `litwatch start` awaits) connects and applies pending migrations.
 */
export function openDatabase(settings: DatabaseSettings, options: EmbeddedOptions = {}): MigratedDatabase {
  return migratedOnFirstUse(openDatabaseRaw(settings, options));
}

export function migratedOnFirstUse(db: Database): MigratedDatabase {
  let migrated: Promise<void> | undefined;
  // A failed attempt (the server was down) is forgotten, so the next statement tries again.
  const ready = () =>
    (migrated ??= migrate(db).then(
      () => undefined,
      (err: unknown) => {
        migrated = undefined;
        throw err;
      },
    ));
  return {
    kind: db.kind,
    where: db.where,
    ...(db.servedBy === undefined ? {} : { servedBy: db.servedBy }),
    ready,
    query: async (sql, params) => {
      await ready();
      return db.query(sql, params);
    },
    exec: async (sql) => {
      await ready();
      return db.exec(sql);
    },
    transaction: async (work) => {
      await ready();
      return db.transaction(work);
    },
    withAdvisoryLock: async (key, work) => {
      await ready();
      return db.withAdvisoryLock(key, work);
    },
    async close() {
      // A failed open is still closed (the pool ended, the embedded folder's lock released).
      await (migrated ?? Promise.resolve()).catch(() => {});
      await db.close();
    },
  };
}
