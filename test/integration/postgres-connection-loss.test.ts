import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { TcpProxy } from '../../faults/tcp-proxy.ts';
import type { Database } from '../../src/store/db/database.ts';
import { openPostgres } from '../../src/store/db/postgres-database.ts';
import { dropTestDatabase, TEST_PG_URL, testDatabaseName, testPrefix } from '../helpers/test-services.ts';

// testPrefix creates the test's database; dropped at the end.
const name = testDatabaseName(testPrefix('pg-loss'));
let proxy: TcpProxy;
let db: Database;

before(async () => {
  proxy = await new TcpProxy(Number(new URL(TEST_PG_URL).port || 5432)).start();
  const url = new URL(TEST_PG_URL);
  url.port = String(proxy.port);
  url.pathname = `/${name}`;
  db = openPostgres(url.href);
});

after(async () => {
  await db.close();
  await proxy.close();
  dropTestDatabase(name);
});

const lostBetweenStatements = (wrap: (work: () => Promise<void>) => Promise<unknown>) => async () => {
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => void uncaught.push(err);
  process.on('uncaughtException', onUncaught);
  try {
    const outcome = wrap(async () => {
      // The server goes away while the client is checked out and no statement is running.
      proxy.cut(300);
      await new Promise((r) => setTimeout(r, 100));
    });
    await assert.rejects(outcome);
    assert.deepEqual(uncaught, [], 'the lost connection is an error of the call, not of the process');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await db.query('SELECT 1 AS one'), [{ one: 1 }], 'the pool opens a new connection afterwards');
  } finally {
    process.off('uncaughtException', onUncaught);
  }
};

test(
  'PostgreSQL lost in the middle of a transaction fails that transaction and leaves the process running',
  lostBetweenStatements((work) =>
    db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      await work();
      await tx.query('SELECT 2');
    }),
  ),
);

test(
  'PostgreSQL lost while an advisory lock is held fails that call and leaves the process running',
  lostBetweenStatements((work) =>
    db.withAdvisoryLock(4242, async (tx) => {
      await tx.query('SELECT 1');
      await work();
    }),
  ),
);
