import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import { SMTPServer } from 'smtp-server';
import * as sendDigest from '../../jobs/send-digest.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { digestId } from '../../src/store/digest-store.ts';
import { cliEnv, configDir, spawnCli, watchesYaml, sharedSettings } from '../helpers/cli.ts';
import { deletePrefix, REDIS_URL, TEST_SECRET, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS, until, untilQueueIdle } from '../helpers/until.ts';

const LEASE_MS = 4000;

/** A real SMTP server whose first message never gets its answer: the sender hangs mid-send. */
class HangingSmtp {
  received = 0;
  delivered: string[] = [];
  private server?: SMTPServer;
  url = '';

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          this.received += 1;
          if (this.received === 1) return; // never answered
          this.delivered.push(Buffer.concat(chunks).toString('utf8'));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('a digest whose sender was killed mid-send', () => {
  const prefix = testPrefix('lease');
  let smtp: HangingSmtp;
  let services: Services;
  let workers: Worker[] = [];

  before(async () => {
    smtp = await new HangingSmtp().start();
    const env = { SMTP_URL: smtp.url, LITWATCH_PUBLIC_URL: 'https://litwatch.test', LITWATCH_SEND_LEASE_MS: String(LEASE_MS), LITWATCH_LOCK_MS: '2000' };
    services = testServices({ prefix, eutilsUrl: 'http://127.0.0.1:9/entrez/eutils', config: testConfig([{ id: 'bone', query: 'a' }]), env });
  });

  after(async () => {
    await closeWorkers(workers);
    await services.close();
    await smtp.close();
    await deletePrefix(prefix);
  });

  test('is sent exactly once after its lease, by a retry of the same job', async () => {
    const reader = await services.subscribers.save({ email: 'kim@example.org', watches: ['bone'], frequency: 'daily' }, 'admin');
    const id = digestId(reader.id, '2026-11-27');
    await services.digests.create({
      id,
      subscriberId: reader.id,
      period: '2026-11-27',
      subject: 'Your digest',
      html: '<p>works</p>',
      text: 'works',
      workKeys: ['10.1000/a'],
      notices: [],
      createdAt: Date.now(),
    });

    // A worker process takes the send and hangs in SMTP; then it is killed.
    const env = cliEnv({
      ...sharedSettings(),
      REDIS_URL,
      LITWATCH_PREFIX: prefix,
      LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'bone', query: 'a' }])),
      SMTP_URL: smtp.url,
      LITWATCH_SECRET: TEST_SECRET,
      LITWATCH_PUBLIC_URL: 'https://litwatch.test',
      LITWATCH_SEND_LEASE_MS: String(LEASE_MS),
      LITWATCH_LOCK_MS: '2000',
    });
    const doomed = spawnCli(['start', '--role', 'worker'], env);
    // The retry budget (5 attempts, 1 s apart) outlasts the lease; the lease outlasts a send.
    await services.queues.mail.add(sendDigest.name, { digestId: id }, { jobId: `send-${id}`, attempts: 5, backoff: { type: 'fixed', delay: 1500 } });
    await until(() => smtp.received === 1, PATIENCE_MS);
    assert.equal((await services.digests.get(id))?.status, 'sending');
    doomed.kill('SIGKILL');
    await new Promise((resolve) => (doomed.exitCode !== null || doomed.signalCode !== null ? resolve(null) : doomed.once('exit', resolve)));

    // Another worker: the job comes back (stalled), meets the live lease, retries, and sends once it ran out.
    workers = startWorkers(services, { queues: ['mail'], lockDurationMs: 2000 });
    await until(async () => (await services.digests.get(id))?.status === 'sent', PATIENCE_MS);
    await untilQueueIdle(services.queues.mail); // no retry left that could send it again
    assert.equal(smtp.delivered.length, 1);
    assert.match(smtp.delivered[0] ?? '', /Subject: Your digest/);
    assert.deepEqual(await services.subscribers.sent(reader.id), new Set(['10.1000/a']));
    const job = await services.queues.mail.getJob(`send-${id}`);
    assert.equal(await job?.getState(), 'completed');
  });
});
