import { once } from 'node:events';
import { closeWorkers, startWorkers } from '../../queue/run-workers.ts';
import { syncSchedulers } from '../../queue/sync-schedulers.ts';
import { loadSettings, openRuntime } from '../runtime.ts';

const ROLES = ['all', 'scheduler', 'worker'] as const;
type Role = (typeof ROLES)[number];

/**
 * `litwatch start [--role all|scheduler|worker]`. The scheduler role upserts one BullMQ job
 * scheduler per enabled watch (and removes the others); BullMQ then produces each poll job on
 * time from Redis. Workers run the jobs; start as many worker processes, on as many machines,
 * as needed: they share the queues and NCBI's rate limit through Redis.
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
  const { services, log } = { services: runtime.services, log: settings.log };

  if (role !== 'worker') {
    const { upserted, removed } = await syncSchedulers(services.queues.poll, settings.config.watches);
    log.info({ event: 'schedulers.synced', upserted, removed }, `job schedulers: ${upserted.length} in force, ${removed.length} removed`);
  }
  const workers = role !== 'scheduler' ? startWorkers(services) : [];
  log.info({ event: 'litwatch.started', role, prefix: services.prefix, workers: workers.length }, `litwatch started (role ${role})`);

  const signal = await Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  log.info({ event: 'litwatch.stopping', signal: signal[0] }, 'stopping: letting active jobs finish');
  await closeWorkers(workers);
  await runtime.close();
  log.info({ event: 'litwatch.stopped' }, 'stopped');
}
