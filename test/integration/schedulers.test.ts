import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { syncSchedulers } from '../../src/queue/sync-schedulers.ts';
import type { Services } from '../../src/services.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

const prefix = testPrefix('schedulers');
let services: Services;

before(() => {
  services = testServices({ prefix, eutilsUrl: 'http://127.0.0.1:9/entrez/eutils', config: testConfig([]) });
});

after(async () => {
  await services.close();
  await deletePrefix(prefix);
});

async function schedulers() {
  const all = await services.queues.poll.getJobSchedulers(0, -1);
  return all.map((s) => ({ key: s.key, pattern: s.pattern, tz: s.tz, name: s.name })).sort((a, b) => a.key.localeCompare(b.key));
}

test('each enabled watch gets one poll scheduler from its cron, however often start-up runs', async () => {
  const config = testConfig([
    { id: 'bone', query: 'a' },
    { id: 'lung', query: 'b' },
    { id: 'paused', query: 'c', enabled: false },
  ]);
  for (let i = 0; i < 3; i++) await syncSchedulers(services.queues.poll, config.watches);
  assert.deepEqual(await schedulers(), [
    { key: 'poll-bone', pattern: '0 6 * * *', tz: 'UTC', name: 'poll-watch' },
    { key: 'poll-lung', pattern: '0 6 * * *', tz: 'UTC', name: 'poll-watch' },
  ]);
  // Exactly one next poll job waits per scheduler.
  assert.equal(await services.queues.poll.getDelayedCount(), 2);
});

test('the scheduler of a removed watch is removed, a changed schedule replaces the old one', async () => {
  const config = testConfig([{ id: 'bone', query: 'a' }]);
  const changed = { ...config, watches: [{ ...config.watches[0]!, schedule: '30 7 * * 1-5', timezone: 'Europe/Paris' }] };
  const result = await syncSchedulers(services.queues.poll, changed.watches);
  assert.deepEqual(result, { upserted: ['poll-bone'], removed: ['poll-lung'] });
  assert.deepEqual(await schedulers(), [{ key: 'poll-bone', pattern: '30 7 * * 1-5', tz: 'Europe/Paris', name: 'poll-watch' }]);
  assert.equal(await services.queues.poll.getDelayedCount(), 1);
});

test('restarting any number of times leaves one scheduler per watch, and one of each system job', async () => {
  const { applyConfig } = await import('../../src/live-config.ts');
  const { syncSystemSchedulers } = await import('../../src/queue/sync-system-schedulers.ts');
  const config = testConfig([
    { id: 'bone', query: 'a' },
    { id: 'lung', query: 'b' },
  ]);
  for (let start = 0; start < 4; start++) {
    await applyConfig(services, config, true);
    await syncSystemSchedulers(services.queues.poll);
  }
  assert.deepEqual((await services.queues.poll.getJobSchedulers(0, -1)).map((s) => s.key).sort(), [
    'poll-bone',
    'poll-lung',
    'system-check-health',
    'system-check-notices',
    'system-prune-store',
    'system-reread-works',
  ]);
});
