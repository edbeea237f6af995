import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as buildDigest from '../../jobs/build-digest.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { digestId } from '../../src/store/digest-store.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS } from '../helpers/until.ts';

const prefix = testPrefix('outbox');
const outbox = mkdtempSync(path.join(tmpdir(), 'litwatch-outbox-'));
let services: Services;
let workers: Worker[];
let mail: OpenQueueEvents;

before(async () => {
  services = testServices({
    prefix,
    eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
    config: testConfig([{ id: 'bone', name: 'Bone metastasis', query: 'a' }]),
    now: () => new Date('2026-11-27T08:00:00Z'),
    env: { LITWATCH_OUTBOX: outbox },
  });
  workers = startWorkers(services, { queues: ['digest', 'mail'] });
  mail = await openQueueEvents(services, 'mail');
});

after(async () => {
  await closeWorkers(workers);
  await mail.close();
  await services.close();
  await deletePrefix(prefix);
});

test('without SMTP_URL a digest is written as an .eml file in the outbox, and counts as sent', async () => {
  await services.works.upsert(makeArticle({ pmid: '41000601', title: 'Bone-targeted radionuclides' }), 'bone');
  const reader = await services.subscribers.save(
    { email: 'fay@example.org', watches: ['bone'], frequency: 'daily' },
    'admin',
    Date.parse('2026-11-27T00:00:00Z'),
  );
  const id = digestId(reader.id, '2026-11-27');
  await services.queues.digest.add(buildDigest.name, { subscriberId: reader.id, period: '2026-11-27' }, { jobId: 'build-fay' });
  for (let i = 0; i < 100 && !(await services.queues.mail.getJob(`send-${id}`)); i++) await new Promise((r) => setTimeout(r, 50));
  await (await services.queues.mail.getJob(`send-${id}`))!.waitUntilFinished(mail.events, PATIENCE_MS);
  const files = readdirSync(outbox);
  assert.deepEqual(files, [`${id}@localhost.eml`]);
  const eml = readFileSync(path.join(outbox, files[0]!), 'utf8');
  assert.match(eml, /^To: fay@example\.org$/m);
  assert.match(eml, /^Subject: Bone metastasis: 1 new publication$/m);
  assert.match(eml, /Bone-targeted radionuclides/);
  assert.equal((await services.digests.get(id))?.status, 'sent');
});
