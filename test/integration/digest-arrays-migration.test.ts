import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { DigestRun } from '../../src/digest/compose-digest.ts';
import { migrate, knownMigrations } from '../../src/store/db/migrate.ts';
import { openPostgres } from '../../src/store/db/postgres-database.ts';
import { digestId } from '../../src/store/digest-store.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { deletePrefix, testConfig, testDatabaseUrl, testPrefix, testServices } from '../helpers/test-services.ts';

const TODAY = new Date('2026-11-27T08:00:00Z');
const DAY = 86_400_000;
const prefix = testPrefix('digest-arrays');

after(async () => {
  await deletePrefix(prefix);
});

test('0006 turns the pair rows of an installation at 0005 into arrays, and what was sent is not sent again', async () => {
  // An installation at 0005: a subscriber sent two works, a digest of two works in flight, one
  // work never sent.
  const raw = openPostgres(testDatabaseUrl(prefix));
  const services = testServices({
    prefix,
    eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
    config: testConfig([{ id: 'bone', name: 'Bone metastasis', query: 'a' }]),
    now: () => TODAY,
    env: { LITWATCH_PUBLIC_URL: 'https://litwatch.test' },
  });
  try {
    await migrate(
      raw,
      knownMigrations().filter((m) => m.version <= 5),
    );
    const reader = 'sub_old';
    const inFlight = digestId(reader, '2026-11-26');
    const sentDigest = digestId(reader, '2026-11-25');
    const at = (days: number) => new Date(TODAY.getTime() - days * DAY);
    await raw.query(
      `INSERT INTO subscribers (id, email, email_norm, watches, frequency, timezone, status, origin, filters, send_empty, created_at, updated_at)
       VALUES ($1, 'old@example.org', 'old@example.org', '{bone}', 'daily', 'UTC', 'active', 'admin', '{"v": 1, "value": {}}', false, $2, $2)`,
      [reader, at(30)],
    );
    await raw.query(
      `INSERT INTO digests (id, subscriber_id, period, status, subject, created_at, sent_at) VALUES
       ($1, $3, '2026-11-25', 'sent', 'S', $4, $4), ($2, $3, '2026-11-26', 'pending', 'S', $5, NULL)`,
      [sentDigest, inFlight, reader, at(2), at(1)],
    );
    await raw.query(
      `INSERT INTO digest_items (digest_id, position, work_key) VALUES
       ($1, 1, '10.1000/old.2'), ($1, 2, '10.1000/old.1'), ($2, 1, '10.1000/old.4'), ($2, 2, '10.1000/old.3')`,
      [sentDigest, inFlight],
    );
    await raw.query(
      `INSERT INTO subscriber_sent (subscriber_id, work_key, sent_at) VALUES ($1, '10.1000/old.1', $2), ($1, '10.1000/old.2', $2), ($1, '10.1000/older', $3)`,
      [reader, at(2), at(20)],
    );

    // 0006 and whatever came after it (each migration added moves the list).
    assert.deepEqual(
      (await migrate(raw)).map((m) => m.version),
      knownMigrations()
        .filter((m) => m.version >= 6)
        .map((m) => m.version),
    );
    const [tables] = await raw.query(`SELECT to_regclass('digest_items') IS NULL AS items_gone, to_regclass('subscriber_sent') IS NULL AS pairs_gone`);
    assert.deepEqual({ ...tables }, { items_gone: true, pairs_gone: true }, 'no row per pair is left');
    assert.deepEqual((await services.digests.get(sentDigest))?.workKeys, ['10.1000/old.2', '10.1000/old.1'], 'in the order the digest listed them');
    assert.deepEqual((await services.digests.get(inFlight))?.workKeys, ['10.1000/old.4', '10.1000/old.3']);
    const sends = await raw.query('SELECT sent_at, work_keys FROM subscriber_sends WHERE subscriber_id = $1 ORDER BY sent_at', [reader]);
    assert.deepEqual(
      sends.map((row) => row.work_keys),
      [['10.1000/older'], ['10.1000/old.1', '10.1000/old.2']],
      'one row per delivery',
    );

    // The watch found all five works; the next digest holds only the one never sent nor in flight.
    for (const n of ['1', '2', '3', '4', '5']) await services.works.upsert(makeArticle({ pmid: `4100060${n}`, doi: `10.1000/old.${n}` }), 'bone');
    await services.works.upsert(makeArticle({ pmid: '41000600', doi: '10.1000/older' }), 'bone');
    const subscriber = await services.subscribers.get(reader);
    const composed = await new DigestRun(services, TODAY).compose(subscriber!);
    assert.deepEqual(composed.assembled.workKeys, ['10.1000/old.5']);
  } finally {
    await services.close();
    await raw.close();
  }
});

test('with its digests pruned, a reader is still not sent their works again; with its sent history pruned, only those come back', async () => {
  const services = testServices({
    prefix,
    eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
    config: testConfig([{ id: 'lung', name: 'Lung', query: 'b' }]),
    now: () => TODAY,
    env: { LITWATCH_PUBLIC_URL: 'https://litwatch.test' },
  });
  try {
    for (const n of ['1', '2', '3']) await services.works.upsert(makeArticle({ pmid: `4100070${n}`, doi: `10.1000/lung.${n}` }), 'lung');
    const reader = await services.subscribers.save({ email: 'pruned@example.org', watches: ['lung'], frequency: 'daily' }, 'admin', TODAY.getTime() - DAY);
    const first = await new DigestRun(services, TODAY).compose(reader);
    assert.deepEqual(first.assembled.workKeys.slice().sort(), ['10.1000/lung.1', '10.1000/lung.2', '10.1000/lung.3']);
    const digest = { id: first.id, subscriberId: reader.id, period: first.period.key, subject: 'S', html: 'h', text: 't', notices: [] };
    await services.digests.create({ ...digest, workKeys: first.assembled.workKeys, createdAt: TODAY.getTime() });
    await services.digests.markSent(digest, TODAY.getTime());
    await services.works.upsert(makeArticle({ pmid: '41000704', doi: '10.1000/lung.4' }), 'lung');

    assert.ok((await services.digests.prune(TODAY.getTime() + DAY)) >= 1);
    assert.equal(await services.digests.get(first.id), undefined, 'the digest is gone');
    const tomorrow = new Date(TODAY.getTime() + DAY);
    assert.deepEqual((await new DigestRun(services, tomorrow).compose(reader)).assembled.workKeys, ['10.1000/lung.4']);

    // The sent history pruned (retention.sentDays) is what lets works be offered again.
    assert.ok((await services.subscribers.pruneSent(TODAY.getTime() + 1)) >= 1);
    assert.equal((await new DigestRun(services, tomorrow).compose(reader)).assembled.workKeys.length, 4);
  } finally {
    await services.close();
  }
});
