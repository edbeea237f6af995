import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { loadEnv } from '../../src/config/env.ts';
import type { Database } from '../../src/store/db/database.ts';
import { migrate, knownMigrations } from '../../src/store/db/migrate.ts';
import { openDatabaseRaw } from '../../src/store/db/open-database.ts';
import { openPostgres } from '../../src/store/db/postgres-database.ts';
import { DigestStore, digestId } from '../../src/store/digest-store.ts';
import { SubscriberStore } from '../../src/store/subscriber-store.ts';
import { dropTestDatabase, testDatabaseName, testDatabaseUrl, testPrefix } from '../helpers/test-services.ts';
import { until } from '../helpers/until.ts';

// testPrefix creates the test's database; dropped at the end.
const prefix = testPrefix('managed-pg');
const url = testDatabaseUrl(prefix);
let admin: pg.Client;

before(async () => {
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
});

after(async () => {
  await admin.end();
  dropTestDatabase(testDatabaseName(prefix));
});

/**
 * PgBouncer in transaction mode lends a server connection per transaction, so a session-level
 * lock taken in one is held by a connection the next transaction may not get: this database
 * refuses what would leak there, as such a pooler would silently break it.
 */
function behindTransactionPooler(db: Database): Database {
  return {
    ...db,
    withAdvisoryLock: () => Promise.reject(new Error('a session-level advisory lock leaks behind PgBouncer in transaction mode')),
  };
}

test('migrations run under a transaction-level lock: two processes migrating at once through a transaction pooler apply each migration once', async () => {
  const a = openPostgres(url);
  const b = openPostgres(url);
  try {
    const [first, second] = await Promise.all([migrate(behindTransactionPooler(a)), migrate(behindTransactionPooler(b))]);
    assert.equal(first.length + second.length, knownMigrations().length, 'each migration applied by exactly one of the two');
    const { rows } = await admin.query('SELECT version FROM schema_migrations ORDER BY version');
    assert.deepEqual(
      rows.map((r: { version: number }) => r.version),
      knownMigrations().map((m) => m.version),
    );
    const locks = await admin.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'");
    assert.equal(locks.rows[0].n, 0, 'no advisory lock outlives its transaction');
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('DATABASE_POOL_SIZE caps the connections a process opens', async () => {
  const env = loadEnv({ DATABASE_URL: url, DATABASE_POOL_SIZE: '2' });
  assert.equal(env.DATABASE_POOL_SIZE, 2);
  const db = openDatabaseRaw(env);
  const LOCK = 90_210;
  await admin.query('SELECT pg_advisory_lock($1)', [LOCK]);
  try {
    // Four statements at once, each held on the lock: only the pool's two connections reach the server.
    const held = Array.from({ length: 4 }, () => db.query('SELECT pg_advisory_xact_lock($1)', [LOCK]));
    const waiting = async () =>
      (
        await admin.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'litwatch' AND wait_event_type = 'Lock'",
        )
      ).rows[0].n as number;
    await until(async () => (await waiting()) === 2);
    const connections = await admin.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'litwatch'",
    );
    assert.equal(connections.rows[0].n, 2, 'four statements outstanding, two connections');
    await admin.query('SELECT pg_advisory_unlock($1)', [LOCK]);
    await Promise.all(held);
  } finally {
    await admin.query('SELECT pg_advisory_unlock_all()');
    await db.close();
  }
  assert.throws(() => loadEnv({ DATABASE_POOL_SIZE: '0' }), /env: DATABASE_POOL_SIZE: must be a number of connections, at least 1, got 0/);
});

test("a digest's send lease is measured on the database's clock: a worker whose clock runs an hour ahead does not take over a live lease", async (t) => {
  const db = openPostgres(url);
  try {
    const subscribers = new SubscriberStore(db);
    const digests = new DigestStore(db, 60_000);
    const reader = await subscribers.save({ email: 'lease@example.org', watches: ['bone'], frequency: 'daily' }, 'admin');
    const id = digestId(reader.id, '2026-11-27');
    await digests.create({
      id,
      subscriberId: reader.id,
      period: '2026-11-27',
      subject: 'S',
      html: 'h',
      text: 't',
      workKeys: [],
      notices: [],
      createdAt: Date.now(),
    });
    assert.equal(await digests.lockForSending(id), 'locked');
    const { rows } = await admin.query('SELECT extract(epoch FROM lease_until - now()) AS s FROM digests WHERE id = $1', [id]);
    assert.ok(Math.abs(Number(rows[0].s) - 60) < 30, `the lease ends a minute after the database's now(), not ${rows[0].s} s`);
    // Another machine, its clock an hour fast: by its own clock the lease ran out long ago.
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 3_600_000 });
    assert.equal(await digests.lockForSending(id), 'busy', 'the live lease keeps it off');
  } finally {
    t.mock.timers.reset();
    await db.close();
  }
});
