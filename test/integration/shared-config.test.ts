import assert from 'node:assert/strict';
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Worker } from 'bullmq';
import { z } from 'zod';
import { buildRegistry } from '../../src/queue/registry.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { applyConfig, followConfigFile } from '../../src/live-config.ts';
import type { Services } from '../../src/services.ts';
import { settleSharedConfig } from '../../src/shared-config.ts';
import { once } from 'node:events';
import { cliEnv, configDir, sharedSettings, spawnCli, watchesYaml } from '../helpers/cli.ts';
import { captureLogs, deletePrefix, REDIS_URL, testPrefix, testServices } from '../helpers/test-services.ts';
import { until } from '../helpers/until.ts';

// Two processes of one installation on two machines: one database, one Redis prefix, and a
// config folder each. "editor" is where someone edits watches.yaml; "scheduler" has an older copy.
const prefix = testPrefix('shared-config');
const bone = { id: 'bone', query: '"bone metastas*"[tiab]' };
const spine = { id: 'spine', query: '"spinal metastas*"[tiab]' };
const lung = { id: 'lung', query: '"lung cancer"[tiab] AND bone[tiab]' };
const editorDir = configDir(watchesYaml([bone, spine]));
const schedulerDir = configDir(watchesYaml([bone]));
// The scheduler's copy is from last week: older than anything stored. Counted back from the
// file's own time (the file system's clock, as the database's now() is), not from this process's
// Date.now(): the suite also runs with the process clock moved a year ahead (faketime).
const schedulerFile = path.join(schedulerDir, 'watches.yaml');
const lastWeek = new Date(statSync(schedulerFile).mtimeMs - 7 * 86_400_000);
utimesSync(schedulerFile, lastWeek, lastWeek);
const editorLogs = captureLogs();
const schedulerLogs = captureLogs();
let editor: Services;
let scheduler: Services;
const stops: (() => void)[] = [];
let workers: Worker[] = [];

async function instance(dir: string, log: ReturnType<typeof captureLogs>): Promise<Services> {
  return testServices({
    prefix,
    eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
    config: await loadConfig(dir),
    env: { LITWATCH_CONFIG: dir, LITWATCH_CONFIG_POLL_MS: '100' },
    log: log.log,
  });
}

async function schedulerKeys(): Promise<string[]> {
  return (await scheduler.queues.poll.getJobSchedulers(0, -1)).map((s) => s.key).sort();
}

before(async () => {
  editor = await instance(editorDir, editorLogs);
  scheduler = await instance(schedulerDir, schedulerLogs);
});

after(async () => {
  for (const stop of stops) stop();
  await closeWorkers(workers);
  await editor.close();
  await scheduler.close();
  await deletePrefix(prefix);
});

test('the first process stores its file; a process started with an older copy says so and follows the stored version', async () => {
  const first = await settleSharedConfig(editor, { store: true });
  assert.equal(first.version, 1);
  assert.ok(editorLogs.lines.some((l) => l.event === 'config.stored' && l.version === 1));

  const second = await settleSharedConfig(scheduler, { store: true });
  assert.equal(second.version, 1);
  assert.deepEqual(
    second.config.watches.map((w) => w.id),
    ['bone', 'spine'],
  );
  const differs = schedulerLogs.lines.filter((l) => l.event === 'config.local_differs');
  assert.equal(differs.length, 1);
  assert.match(String(differs[0]?.msg), /watches\.yaml differs from shared config version 1 \(stored by .+:\d+ .+watches\.yaml\); following the shared one/);
  assert.equal((await editor.configs.newestVersion())?.version, 1, 'the older copy is not stored');

  // A worker set up today from another copy (its file dated now) follows too: only the
  // scheduling start stores a file at start.
  const freshLogs = captureLogs();
  const fresh = await instance(configDir(watchesYaml([lung])), freshLogs);
  try {
    const settled = await settleSharedConfig(fresh, { store: false });
    assert.deepEqual([settled.version, settled.config.watches.map((w) => w.id)], [1, ['bone', 'spine']]);
    assert.ok(freshLogs.lines.some((l) => l.event === 'config.local_differs'));
    assert.equal((await fresh.configs.newestVersion())?.version, 1);
  } finally {
    await fresh.close();
  }

  await applyConfig(scheduler, second.config, true);
  assert.deepEqual(await schedulerKeys(), ['poll-bone', 'poll-spine']);
  stops.push(followConfigFile(editor, false, first.version), followConfigFile(scheduler, true, second.version));
});

test('an edit saved on one machine is stored as a new version and applied by the other', async () => {
  writeFileSync(path.join(editorDir, 'watches.yaml'), watchesYaml([bone, spine, lung]));
  await until(async () => (await schedulerKeys()).includes('poll-lung'));
  assert.deepEqual(await schedulerKeys(), ['poll-bone', 'poll-lung', 'poll-spine']);
  assert.equal((await editor.configs.newestVersion())?.version, 2);
  assert.ok(editorLogs.lines.some((l) => l.event === 'config.stored' && l.version === 2));
  await until(() => schedulerLogs.lines.some((l) => l.event === 'config.reloaded' && l.version === 2));
  assert.deepEqual(
    scheduler.config().watches.map((w) => w.id),
    ['bone', 'spine', 'lung'],
  );
  // The scheduler's own file is still last week's: said again with the new version.
  await until(() => schedulerLogs.lines.some((l) => l.event === 'config.local_differs' && l.version === 2));
  await until(() => editor.config().watches.length === 3);
});

test('a broken edit is refused with file:line lines and never stored', async () => {
  writeFileSync(path.join(editorDir, 'watches.yaml'), 'watches:\n  - id: Lung!\n    name: Lung\n    query: "x"\n    schedule: "0 6 * * *"\n');
  await until(() => editorLogs.lines.some((l) => l.event === 'config.rejected'));
  assert.match(String(editorLogs.lines.find((l) => l.event === 'config.rejected')?.msg), /watches\.yaml:2: watches\[0\]\.id: "Lung!" is not a valid id/);
  assert.equal((await editor.configs.newestVersion())?.version, 2);
  assert.equal(editor.config().watches.length, 3);
});

test('the mail rate follows an edit saved on another machine', async () => {
  assert.deepEqual(await scheduler.queues.mail.getGlobalRateLimit(), { max: 10, duration: 1000 });
  writeFileSync(path.join(editorDir, 'watches.yaml'), `digest:\n  sendRatePerSecond: 0.5\n${watchesYaml([bone, spine, lung])}`);
  await until(async () => (await scheduler.queues.mail.getGlobalRateLimit())?.duration === 2000);
  assert.deepEqual(await scheduler.queues.mail.getGlobalRateLimit(), { max: 1, duration: 2000 });
  await until(() => scheduler.config().digest.sendRatePerSecond === 0.5);
});

test('mail workers hold to the shared rate, and an edit that raises it lets the next message go', async () => {
  const yaml = (rate: number) => `digest:\n  sendRatePerSecond: ${rate}\n${watchesYaml([bone, spine, lung])}`;
  // One message per 1,000 s: the second one waits on the limiter for the whole test unless an edit lifts it.
  writeFileSync(path.join(editorDir, 'watches.yaml'), yaml(0.001));
  await until(async () => (await scheduler.queues.mail.getGlobalRateLimit())?.duration === 1_000_000);
  await until(() => editor.config().digest.sendRatePerSecond === 0.001);
  const sent: string[] = [];
  const countMail = {
    name: 'count-mail',
    queue: 'mail' as const,
    payloadSchema: z.object({ n: z.number() }),
    process: async (p: { n: number }) => sent.push(String(p.n)),
  };
  workers = startWorkers(editor, { queues: ['mail'] }, buildRegistry([countMail]));
  await editor.queues.mail.add('count-mail', { n: 1 }, { jobId: 'count-1' });
  await until(() => sent.length === 1);
  await editor.queues.mail.add('count-mail', { n: 2 }, { jobId: 'count-2' });
  await until(async () => (await editor.queues.mail.getRateLimitTtl()) > 0);
  assert.deepEqual(sent, ['1']);
  assert.equal(await (await editor.queues.mail.getJob('count-2'))?.getState(), 'waiting');

  writeFileSync(path.join(editorDir, 'watches.yaml'), yaml(100));
  await until(async () => (await scheduler.queues.mail.getGlobalRateLimit())?.max === 100);
  // The worker resting on the limiter looks again within a second (run-workers.ts).
  await until(() => sent.length === 2);
  assert.deepEqual(sent, ['1', '2']);
});

test('a worker process started with an older watches.yaml says so, runs on the shared config and follows the next edit', async () => {
  const newest = (await editor.configs.newestVersion())?.version ?? 0;
  // A copy of version 1, written just now: a version seen before is older whatever its date.
  const copyOfFirst = configDir(watchesYaml([bone, spine]));
  const worker = spawnCli(
    ['start', '--role', 'worker'],
    cliEnv({
      LITWATCH_PREFIX: prefix,
      REDIS_URL,
      LITWATCH_CONFIG: copyOfFirst,
      LITWATCH_CONFIG_POLL_MS: '100',
      LITWATCH_SHUTDOWN_MS: '1000',
      ...sharedSettings(),
    }),
  );
  try {
    await until(() => worker.output.stderr.includes('"litwatch.started"') || worker.exitCode !== null);
    assert.equal(worker.exitCode, null, worker.output.stderr);
    const differs = worker.output.stderr.split('\n').find((line) => line.includes('"config.local_differs"'));
    assert.match(String(differs), new RegExp(`watches\\.yaml is shared config version 1, older than shared config version ${newest}`));
    writeFileSync(path.join(editorDir, 'watches.yaml'), watchesYaml([bone]));
    await until(() => worker.output.stderr.includes(`"event":"config.reloaded","version":${newest + 1}`) || worker.exitCode !== null);
    assert.equal(worker.exitCode, null, worker.output.stderr);
  } finally {
    worker.kill('SIGTERM');
    if (worker.exitCode === null) await once(worker, 'exit');
  }
});
