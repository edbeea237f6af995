import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { storable } from '../documents.ts';
import type { Database, Queryable } from './database.ts';
import { lockFolder } from './folder-lock.ts';

/**
 * The embedded PostgreSQL (PGlite, WebAssembly) with its data in a folder, so `npm start` needs
 * no database server. It belongs to one process: PGlite itself does not stop a second process
 * from opening the same folder (tried: both open it, and both write), so a pid file does.
 * PGlite runs one statement at a time; the queue below keeps another caller's statements out
 * of a transaction in progress.
 */
export function openEmbedded(dir: string): Database {
  const folder = path.resolve(dir);
  mkdirSync(folder, { recursive: true });
  const lock = lockFolder(folder);
  const opened = import('@electric-sql/pglite').then(({ PGlite }) => PGlite.create(path.join(folder, 'pgdata')));
  opened.catch(() => lock.release());
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const next = tail.then(work, work);
    tail = next.catch(() => {});
    return next;
  };
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
    query: (sql, params) => exclusive(() => run(sql, params)),
    exec: (sql) => exclusive(() => exec(sql)),
    transaction: (work) =>
      exclusive(async () => {
        await run('BEGIN');
        try {
          const result = await work(direct);
          await run('COMMIT');
          return result;
        } catch (err) {
          await run('ROLLBACK').catch(() => {});
          throw err;
        }
      }),
    withAdvisoryLock: (_key, work) => exclusive(() => work(direct)),
    async close() {
      try {
        await exclusive(async () => (await opened).close());
      } finally {
        lock.release();
      }
    },
  };
}
