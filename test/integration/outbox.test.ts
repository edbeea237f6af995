import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as buildDigest from '../../jobs/build-digest.ts';
import { outboxFileName } from '../../src/mail/mail-transport.ts';
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
  // Named by time, recipient and subject, so a listing of the folder reads as a mailbox.
  assert.equal(files.length, 1);
  assert.match(files[0]!, /^\d{8}-\d{6}-fay@example\.org-Bone_metastasis_1_new_publication\.eml$/);
  const eml = readFileSync(path.join(outbox, files[0]!), 'utf8');
  assert.match(eml, /^To: fay@example\.org$/m);
  assert.match(eml, /^Subject: Bone metastasis: 1 new publication$/m);
  assert.match(eml, /Bone-targeted radionuclides/);
  assert.equal((await services.digests.get(id))?.status, 'sent');
});

test('an outbox file name keeps no path separator, space or control character from the subject or address', () => {
  const name = outboxFileName({ to: 'a/../b@example.org', subject: '../../etc/passwd\n<script> ünïcode  ' }, new Date('2026-11-27T08:09:10Z'));
  assert.equal(name, '20261127-080910-a_.._b@example.org-etc_passwd_script_unicode.eml');
  assert.equal(name.includes('/'), false);
});
