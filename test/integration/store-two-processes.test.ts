import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { deletePrefix, testDatabase, testDatabaseUrl, testPrefix } from '../helpers/test-services.ts';

const CHILD = path.join(PROJECT_ROOT, 'test', 'helpers', 'store-works-child.ts');

/** A child that stores the works once told to go (see store-works-child.ts); `ready` resolves once it is connected. */
function storeInChild(databaseUrl: string, watch: string): { ready: Promise<void>; go(): void; done: Promise<Record<string, number>> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, WATCH: watch, COUNT: '200' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<Record<string, number>>((resolve, reject) =>
    child.on('close', (code) => {
      markReady(); // a child that died before it was ready must not leave the test waiting
      if (code === 0) resolve(JSON.parse(stdout.slice('ready\n'.length)) as Record<string, number>);
      else reject(new Error(`child exited ${code}: ${stderr}`));
    }),
  );
  return { ready, go: () => child.stdin.end('go\n'), done };
}

describe('two processes storing the same works at once', () => {
  const prefix = testPrefix('two-procs');
  after(() => deletePrefix(prefix));

  test('200 works stored by both make 200 works, each matched by both watches', async () => {
    const db = testDatabase(prefix);
    try {
      await db.ready(); // migrated before both start, so they race on the works, not the schema
      // Both connected first, then told to go at once: they race on the same works.
      const bone = storeInChild(testDatabaseUrl(prefix), 'bone');
      const lung = storeInChild(testDatabaseUrl(prefix), 'lung');
      await Promise.all([bone.ready, lung.ready]);
      bone.go();
      lung.go();
      const [a, b] = await Promise.all([bone.done, lung.done]);
      assert.equal((a.created ?? 0) + (b.created ?? 0), 200, `created by each: ${JSON.stringify([a, b])}`);
      assert.equal((a.unchanged ?? 0) + (b.unchanged ?? 0), 200);
      const [works] = await db.query('SELECT count(*)::int AS n FROM works');
      assert.equal(works?.n, 200);
      const [matched] = await db.query(`SELECT count(*)::int AS n FROM work_watches WHERE watch_id IN ('bone', 'lung')`);
      assert.equal(matched?.n, 400);
      const [ids] = await db.query(`SELECT count(*)::int AS n FROM work_ids WHERE id_kind = 'doi'`);
      assert.equal(ids?.n, 200);
    } finally {
      await db.close();
    }
  });
});
