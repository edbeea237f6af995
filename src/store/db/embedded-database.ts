import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { storable } from '../documents.ts';
import type { Database, Queryable } from './database.ts';
import type { PGlite } from '@electric-sql/pglite';
import { cannotServe, serveEmbedded, type EmbeddedServer } from './embedded-server.ts';
import { lockFolder } from './folder-lock.ts';
import { holding, sessionLock, type SessionLock } from './session-lock.ts';

export interface EmbeddedOptions {
  /**
   * Also serve the database to other litwatch processes on a Unix socket in the folder
   * (embedded-server.ts): `litwatch start` does, so the CLI runs beside it.
   */
  serve?: boolean;
  /** Told why the database could not be served (it is still open for this process). */
  onServeProblem?: (reason: string) => void;
}

/**
 * The embedded PostgreSQL (PGlite, WebAssembly) with its data in a folder, so `npm start` needs
 * no database server. One process opens the folder: PGlite itself does not stop a second process
 * from opening the same folder (tried: both open it, and both write), so a pid file does; others
 * reach it through that process's socket when it serves one. PGlite is one session running one
 * statement at a time; the session lock keeps every other user (this process's other callers,
 * the socket's clients) out of a transaction in progress.
 */
export function openEmbedded(dir: string, options: EmbeddedOptions = {}): Database {
  const folder = path.resolve(dir);
  mkdirSync(folder, { recursive: true });
  const lock = lockFolder(folder);
  const session = sessionLock();
  const opened = import('@electric-sql/pglite').then(({ PGlite }) => PGlite.create(path.join(folder, 'pgdata')));
  opened.catch(() => lock.release());
  const server = options.serve ? serve(opened, session, folder, options.onServeProblem) : Promise.resolve(undefined);
  // Statements wait for the socket too: once `start` has said it is ready, the CLI can connect.
  const ready = Promise.all([opened, server]);
  ready.catch(() => {}); // a database that failed to open is said by the statements that wait for it
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => holding(session, work);
  const run = async (sql: string, params?: readonly unknown[]) => {
    const db = await opened;
    return (await db.query<Record<string, unknown>>(sql, storable(params))).rows;
  };
  const exec = async (sql: string) => {
    await (await opened).exec(sql);
  };
  const direct: Queryable = { query: run, exec };
  return {
    kind: 'embedded',
    where: folder,
    query: async (sql, params) => {
      await ready;
      return exclusive(() => run(sql, params));
    },
    exec: async (sql) => {
      await ready;
      return exclusive(() => exec(sql));
    },
    transaction: async (work) => {
      await ready;
      return exclusive(async () => {
        await run('BEGIN');
        try {
          const result = await work(direct);
          await run('COMMIT');
          return result;
        } catch (err) {
          await run('ROLLBACK').catch(() => {});
          throw err;
        }
      });
    },
    withAdvisoryLock: async (_key, work) => {
      await ready;
      return exclusive(() => work(direct));
    },
    async close() {
      try {
        // Clients first: each gives the session back (rolled back) before PGlite closes.
        await (await server)?.close();
        await exclusive(async () => (await opened).close());
      } finally {
        lock.release();
      }
    },
  };
}

/** The socket server, or undefined (with the reason told) when it cannot run: the database stays this process's own. */
async function serve(opened: Promise<PGlite>, session: SessionLock, folder: string, onProblem?: (reason: string) => void): Promise<EmbeddedServer | undefined> {
  const pglite = await opened.catch(() => undefined);
  if (!pglite) return undefined;
  const problem = cannotServe(folder);
  if (problem) {
    onProblem?.(problem);
    return undefined;
  }
  try {
    return await serveEmbedded(pglite, session, folder);
  } catch (err) {
    onProblem?.((err as Error).message);
    return undefined;
  }
}
