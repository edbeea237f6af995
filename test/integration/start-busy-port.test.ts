import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { syncSchedulers } from '../../src/queue/sync-schedulers.ts';
import type { Services } from '../../src/services.ts';
import { cliEnv, configDir, runCli } from '../helpers/cli.ts';
import { deletePrefix, testConfig, testPrefix, testServices, TEST_SECRET } from '../helpers/test-services.ts';

const prefix = testPrefix('busy-port');
let services: Services;
const occupier = createServer();

before(async () => {
  services = testServices({ prefix, eutilsUrl: 'http://127.0.0.1:9/entrez/eutils', config: testConfig([]) });
  await once(occupier.listen(0, '127.0.0.1'), 'listening');
});

after(async () => {
  occupier.close();
  await services.close();
  await deletePrefix(prefix);
});

async function schedulers() {
  return (await services.queues.poll.getJobSchedulers(0, -1)).map((s) => ({ key: s.key, pattern: s.pattern }));
}

test('a second start on a busy port refuses in one line before it touches the job schedulers', async () => {
  // What the running litwatch scheduled; the second start's config would move and add watches.
  await syncSchedulers(services.queues.poll, testConfig([{ id: 'bone', query: 'a' }]).watches);
  const inForce = await schedulers();
  assert.deepEqual(inForce, [{ key: 'poll-bone', pattern: '0 6 * * *' }]);
  const dir = configDir(
    'watches:\n  - id: bone\n    name: Bone\n    query: "a"\n    schedule: "30 7 * * *"\n  - id: lung\n    name: Lung\n    query: "b"\n    schedule: "0 8 * * *"\n',
  );
  const port = (occupier.address() as AddressInfo).port;
  const result = await runCli(
    ['start'],
    cliEnv({ LITWATCH_PREFIX: prefix, LITWATCH_CONFIG: dir, PORT: String(port), LITWATCH_SECRET: TEST_SECRET, DASHBOARD_PASSWORD: 'x'.repeat(16) }),
  );
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, new RegExp(`^litwatch: cannot listen on port ${port}: address already in use .*\\n$`, 'm'));
  assert.deepEqual(await schedulers(), inForce);
  assert.deepEqual(await services.queues.digest.getJobSchedulers(0, -1), [], 'no digest or system schedulers either');
});
