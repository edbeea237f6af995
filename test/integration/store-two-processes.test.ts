import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { PROJECT_ROOT } from '../helpers/cli.ts';
import { deletePrefix, testDatabase, testDatabaseUrl, testPrefix } from '../helpers/test-services.ts';

const CHILD = path.join(PROJECT_ROOT, 'test', 'helpers', 'store-works-child.ts');

function storeInChild(databaseUrl: string, watch: string, startAt: number): Promise<Record<string, number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, WATCH: watch, COUNT: '200', START_AT: String(startAt) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as Record<string, number>) : reject(new Error(`child exited ${code}: ${stderr}`)))),
  );
}

describe('two processes storing the same works at once', () => {
  const prefix = testPrefix('two-procs');
  after(() => deletePrefix(prefix));

  test('200 works stored by both make 200 works, each matched by both watches', async () => {
    const db = testDatabase(prefix);
    try {
      await db.ready(); // migrated before both start, so they race on the works, not the schema
      const startAt = Date.now() + 4000; // both processes are up and connected by then
      const [a, b] = await Promise.all([storeInChild(testDatabaseUrl(prefix), 'bone', startAt), storeInChild(testDatabaseUrl(prefix), 'lung', startAt)]);
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
