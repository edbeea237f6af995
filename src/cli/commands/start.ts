import { once } from 'node:events';
import type { Server } from 'node:http';
import { closeWorkers, startWorkers } from '../../queue/run-workers.ts';
import { syncDigestSchedulers } from '../../queue/sync-digest-schedulers.ts';
import { syncSchedulers } from '../../queue/sync-schedulers.ts';
import type { Services } from '../../services.ts';
import { syncConfigSubscribers } from '../../subscribers/sync-config-subscribers.ts';
import { createWebServer, listen } from '../../web/web-server.ts';
import { loadSettings, openRuntime } from '../runtime.ts';

const ROLES = ['all', 'scheduler', 'worker', 'web'] as const;
type Role = (typeof ROLES)[number];

/**
 * `litwatch start [--role all|scheduler|worker|web]`. The scheduler role upserts one BullMQ job
 * scheduler per enabled watch and per digest frequency/time zone in use (and removes the
 * others), and mirrors the config's subscribers into the store; BullMQ then produces each job on
 * time from Redis. Workers run the jobs; start as many worker processes, on as many machines, as
 * needed: they share the queues, NCBI's rate limit and the mail rate through Redis. The web role
 * serves the subscription pages on PORT.
 */
export async function startCommand(options: { role: string }): Promise<void> {
  if (!ROLES.includes(options.role as Role)) {
    process.stderr.write(`unknown role "${options.role}": use ${ROLES.join(', ')}\n`);
    process.exitCode = 1;
    return;
  }
  const role = options.role as Role;
  const settings = await loadSettings();
  const runtime = await openRuntime(settings);
  const { services } = runtime;
  const { log } = settings;

  if (role === 'all' || role === 'scheduler') await schedule(services);
  const workers = role === 'all' || role === 'worker' ? startWorkers(services) : [];
  const server = role === 'all' || role === 'web' ? await serveWeb(services) : undefined;
  log.info({ event: 'litwatch.started', role, prefix: services.prefix, workers: workers.length, web: server !== undefined }, `litwatch started (role ${role})`);

  const signal = await Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  log.info({ event: 'litwatch.stopping', signal: signal[0] }, 'stopping: letting active jobs finish');
  server?.close();
  await closeWorkers(workers);
  await runtime.close();
  log.info({ event: 'litwatch.stopped' }, 'stopped');
}

async function schedule(services: Services): Promise<void> {
  const config = services.config();
  const polls = await syncSchedulers(services.queues.poll, config.watches);
  const subscribers = await syncConfigSubscribers(services.subscribers, config.subscribers);
  const digests = await syncDigestSchedulers(services.queues.digest, config.digest, await services.subscribers.list());
  services.log.info(
    { event: 'schedulers.synced', polls, subscribers, digests },
    `job schedulers: ${polls.upserted.length} watches, ${digests.upserted.length} digest schedules; subscribers from config: +${subscribers.added} ~${subscribers.updated} -${subscribers.removed}`,
  );
  if (!services.tokens) services.log.warn({ event: 'digest.disabled' }, 'LITWATCH_SECRET is not set: digests and subscription pages are off (they sign their links); set it with `openssl rand -hex 32`');
}

async function serveWeb(services: Services): Promise<Server | undefined> {
  if (!services.tokens) return undefined;
  const server = await listen(createWebServer(services), services.env.PORT);
  services.log.info({ event: 'web.listening', port: services.env.PORT, publicUrl: services.env.LITWATCH_PUBLIC_URL }, `subscription pages on ${services.env.LITWATCH_PUBLIC_URL}/subscribe`);
  return server;
}
