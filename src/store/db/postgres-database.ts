import pg from 'pg';
import { storable } from '../documents.ts';
import type { Database, Queryable } from './database.ts';

/**
 * A PostgreSQL server (14 or newer) through a `pg` pool. Every litwatch process (scheduler,
 * workers, web) opens its own pool on the same database.
 */
export function openPostgres(url: string, options: { max?: number } = {}): Database {
  return poolDatabase({ connectionString: url, max: options.max ?? 10 }, { kind: 'postgres', where: redactUrl(url) });
}

/**
 * The embedded database in `folder`, reached through the socket the `litwatch start` with this
 * pid serves it on (embedded-server.ts), as any PostgreSQL client would. PGlite has one database
 * and asks no password: the socket's permissions are the guard.
 */
export function openServedEmbedded(served: { socketFolder: string; port: number; folder: string; pid: number }): Database {
  return poolDatabase(
    // The server runs one session at a time anyway: a few connections keep a CLI's parallel reads queued there, not here.
    { host: served.socketFolder, port: served.port, user: 'postgres', database: 'postgres', max: 4 },
    { kind: 'embedded', where: served.folder, servedBy: served.pid },
  );
}

function poolDatabase(config: pg.PoolConfig, identity: Pick<Database, 'kind' | 'where' | 'servedBy'>): Database {
  const pool = new pg.Pool({ ...config, application_name: 'litwatch' });
  // An idle client that loses its server emits here; the next query reports the problem.
  pool.on('error', () => {});
  const exec = async (client: pg.Pool | pg.PoolClient, sql: string) => {
    await client.query(sql); // no parameters: the simple protocol, several statements allowed
  };
  const run = async (client: Queryable | pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) => {
    const result = await (client as pg.Pool).query(sql, storable(params));
    return result.rows as Record<string, unknown>[];
  };
  return {
    ...identity,
    query: (sql, params) => run(pool, sql, params),
    exec: (sql) => exec(pool, sql),
    transaction: (work) =>
      checkedOut(pool, async (client) => {
        try {
          await client.query('BEGIN');
          const result = await work({ query: (sql, params) => run(client, sql, params), exec: (sql) => exec(client, sql) });
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw err;
        }
      }),
    withAdvisoryLock: (key, work) =>
      checkedOut(pool, async (client) => {
        await client.query('SELECT pg_advisory_lock($1)', [key]);
        try {
          return await work({ query: (sql, params) => run(client, sql, params), exec: (sql) => exec(client, sql) });
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [key]);
        }
      }),
    close: () => pool.end(),
  };
}

/**
 * A client taken from the pool for several statements. While it is checked out the pool no
 * longer listens for its errors, and a client that loses its server between two statements
 * emits 'error': with no listener, that ends the process (the fault suite saw every litwatch
 * process die when PostgreSQL went away for 4 s). Listened to here, the loss fails the
 * statement under way or the next one instead, and the broken client is destroyed, not reused.
 */
async function checkedOut<T>(pool: pg.Pool, use: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (err: Error) => {
    lost = err;
  };
  client.on('error', onError);
  try {
    return await use(client);
  } finally {
    client.off('error', onError);
    client.release(lost);
  }
}

/** `postgres://user@host:5432/db`: the password never reaches a message or a log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}
