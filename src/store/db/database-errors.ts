import path from 'node:path';

/**
 * Problems with the database a user can fix, each with a one-line message that says how (kept
 * dependency-free for the CLI's error handler).
 */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

/** The embedded database is already open in another process. */
export class DatabaseInUseError extends DatabaseError {
  override name = 'DatabaseInUseError';
  constructor(
    folder: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${path.relative(process.cwd(), folder) || folder} is in use by process ${pid}: it serves one process only. Stop that process, or set DATABASE_URL to a PostgreSQL server to run several.`,
    );
  }
}

/** The database was migrated by a newer litwatch: running this one on it could lose data. */
export class DatabaseTooNewError extends DatabaseError {
  override name = 'DatabaseTooNewError';
  constructor(where: string, dbVersion: number, codeVersion: number) {
    super(
      `The database at ${where} is at migration ${pad(dbVersion)}, newer than this litwatch knows (${pad(codeVersion)}): run the newer litwatch, or restore a backup made with this version.`,
    );
  }
}

/** Nothing answers at DATABASE_URL, or it refuses us. */
export class DatabaseUnavailableError extends DatabaseError {
  override name = 'DatabaseUnavailableError';
  constructor(where: string, reason: string) {
    super(
      `PostgreSQL at ${where} cannot be used (${reason}): start it (docker compose up -d postgres), fix DATABASE_URL, or unset DATABASE_URL to use the embedded database.`,
    );
  }
}

/** Bad input for `litwatch import`: file, line and what is wrong, in one line. */
export class ImportError extends DatabaseError {
  override name = 'ImportError';
}

function pad(version: number): string {
  return String(version).padStart(4, '0');
}
