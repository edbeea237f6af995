/**
 * The one SQL surface every store uses, whichever PostgreSQL is behind it: a server through
 * `pg` (DATABASE_URL) or the embedded one (PGlite). Same SQL, same migrations for both.
 */
export interface Queryable {
  /** Rows of one statement; parameters are `$1`, `$2`, ... (never spliced into the text). */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** Several statements without parameters (a migration file). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  /** `postgres` (a server, several processes) or `embedded` (PGlite, this process only). */
  readonly kind: 'postgres' | 'embedded';
  /** Where it is, for messages (a URL without its password, or a folder). */
  readonly where: string;
  /**
   * The embedded database reached through the socket of the `litwatch start` with this pid
   * (which runs the workers too), rather than opened by this process.
   */
  readonly servedBy?: number;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `work` while holding a session-level advisory lock (PostgreSQL) so that concurrent
   * starts apply migrations one at a time; the embedded database has one process anyway.
   */
  withAdvisoryLock<T>(key: number, work: (db: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
