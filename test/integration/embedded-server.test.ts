import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import type { Database } from '../../src/store/db/database.ts';
import { openEmbedded } from '../../src/store/db/embedded-database.ts';
import { SOCKET_PORT, socketFolder, socketPath } from '../../src/store/db/embedded-server.ts';
import { openServedEmbedded } from '../../src/store/db/postgres-database.ts';

const ROUNDS = 100;

/**
 * The embedded database served on its socket: one PGlite session shared by the serving process
 * and its clients. Clients' queries must never interleave (a parameterised query is several
 * protocol messages) and nobody's statement may run inside another's transaction.
 */
describe('the embedded database served on a Unix socket', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'litwatch-served-'));
  let owner: Database;
  const clients: Database[] = [];

  before(async () => {
    owner = openEmbedded(dir, { serve: true, onServeProblem: (reason) => assert.fail(reason) });
    await owner.exec('CREATE TABLE t (n integer)');
    for (let i = 0; i < 2; i++) clients.push(openServedEmbedded({ socketFolder: socketFolder(dir), port: SOCKET_PORT, folder: dir, pid: process.pid }));
  });

  after(async () => {
    for (const client of clients) await client.close();
    await owner.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('only its owner may connect: the socket is 0600 in a 0700 folder', () => {
    assert.equal(statSync(socketFolder(dir)).mode & 0o777, 0o700);
    assert.equal(statSync(socketPath(dir)).mode & 0o777, 0o600);
  });

  test("clients' queries and transactions and the owner's own run side by side without seeing each other's uncommitted rows", async () => {
    const [a, b] = clients as [Database, Database];
    const wrong: string[] = [];
    // The owner inserts and rolls back, again and again; so does client a; b only counts committed rows (none).
    const owner_ = async () => {
      for (let i = 0; i < ROUNDS; i++) {
        await owner
          .transaction(async (tx) => {
            await tx.query('INSERT INTO t VALUES ($1)', [i]);
            const seen = await tx.query('SELECT count(*)::int AS n FROM t WHERE n = $1', [i]);
            if (seen[0]?.n !== 1) wrong.push(`owner saw ${JSON.stringify(seen)}`);
            throw new Error('roll back');
          })
          .catch((err: Error) => assert.equal(err.message, 'roll back'));
      }
    };
    const writer = async () => {
      for (let i = 0; i < ROUNDS; i++) {
        await a
          .transaction(async (tx) => {
            await tx.query('INSERT INTO t VALUES ($1)', [-1]);
            const seen = await tx.query('SELECT count(*)::int AS n FROM t WHERE n = $1', [-1]);
            if (seen[0]?.n !== 1) wrong.push(`client a saw ${JSON.stringify(seen)}`);
            throw new Error('roll back');
          })
          .catch((err: Error) => assert.equal(err.message, 'roll back'));
      }
    };
    const reader = async (db: Database) => {
      for (let i = 0; i < ROUNDS; i++) {
        const rows = await db.query('SELECT count(*)::int AS n FROM t WHERE n >= $1 OR n = $2', [0, -1]);
        if (rows.length !== 1 || rows[0]?.n !== 0) wrong.push(`reader saw ${JSON.stringify(rows)}`);
      }
    };
    await Promise.all([owner_(), writer(), reader(b), reader(b), reader(a)]);
    assert.deepEqual(wrong, []);
  });

  test('a client that goes away in the middle of a transaction has it rolled back, and the others go on', async () => {
    const client = new pg.Client({ host: socketFolder(dir), port: SOCKET_PORT, user: 'postgres', database: 'postgres' });
    client.on('error', () => {});
    await client.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO t VALUES ($1)', [42]);
    const closed = new Promise((resolve) => client.once('end', resolve));
    (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await closed;
    // Waits its turn behind the cut-off session's rollback, then sees nothing of it.
    assert.deepEqual(await owner.query('SELECT count(*)::int AS n FROM t'), [{ n: 0 }]);
    assert.deepEqual(await clients[0]?.query('SELECT count(*)::int AS n FROM t'), [{ n: 0 }]);
  });
});
