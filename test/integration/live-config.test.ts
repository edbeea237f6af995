import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config/load-config.ts';
import { applyConfig, followConfigFile } from '../../src/live-config.ts';
import type { Services } from '../../src/services.ts';
import { configDir, watchesYaml } from '../helpers/cli.ts';
import { captureLogs, deletePrefix, testPrefix, testServices } from '../helpers/test-services.ts';
import { until } from '../helpers/until.ts';

const prefix = testPrefix('live-config');
const dir = configDir(watchesYaml([{ id: 'bone', query: '"bone metastas*"[tiab]' }]));
const logs = captureLogs();
let services: Services;
let stop: () => void;

async function schedulerKeys(): Promise<string[]> {
  return (await services.queues.poll.getJobSchedulers(0, -1)).map((s) => s.key).sort();
}

before(async () => {
  services = testServices({
    prefix,
    eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
    config: await loadConfig(dir),
    env: { LITWATCH_CONFIG: dir },
    log: logs.log,
  });
  await applyConfig(services, services.config(), true);
  stop = followConfigFile(services, true);
});

after(async () => {
  stop();
  await services.close();
  await deletePrefix(prefix);
});

test('a saved edit that adds a watch and removes another changes the schedulers without a restart', async () => {
  assert.deepEqual(await schedulerKeys(), ['poll-bone']);
  writeFileSync(path.join(dir, 'watches.yaml'), watchesYaml([{ id: 'spine', query: '"spinal metastas*"[tiab]' }]));
  await until(async () => (await schedulerKeys()).join() === 'poll-spine');
  assert.deepEqual(
    services.config().watches.map((w) => w.id),
    ['spine'],
  );
  // Logged once the new config is applied, so it may come just after the schedulers change.
  await until(() => logs.lines.some((l) => l.event === 'config.reloaded'));
});

test('a broken edit is refused with the config check lines and the last good config stays in force', async () => {
  writeFileSync(path.join(dir, 'watches.yaml'), 'watches:\n  - id: Spine!\n    name: Spine\n    query: "x"\n    schedule: "every day"\n');
  await until(() => logs.lines.some((l) => l.event === 'config.rejected'));
  const refusal = String(logs.lines.find((l) => l.event === 'config.rejected')?.msg);
  assert.match(refusal, /watches\.yaml:2: watches\[0\]\.id: "Spine!" is not a valid id/);
  assert.match(refusal, /watches\.yaml:5: watches\[0\]\.schedule: not a valid cron expression/);
  assert.deepEqual(
    services.config().watches.map((w) => w.id),
    ['spine'],
  );
  assert.deepEqual(await schedulerKeys(), ['poll-spine']);
});
