import { once } from 'node:events';
import type { Server } from 'node:http';
import { applyConfig, followConfigFile } from '../../live-config.ts';
import { missingEmailWarning } from '../../ncbi/user-agent.ts';
import { closeWorkersWithin, startWorkers } from '../../queue/run-workers.ts';
import { syncSystemSchedulers } from '../../queue/sync-system-schedulers.ts';
import type { Services } from '../../services.ts';
import { adminAccess } from '../../web/admin/admin-auth.ts';
import { createWebServer, reservePort } from '../../web/web-server.ts';
import { RedisEvictionError } from '../../redis/redis-eviction-error.ts';
import { loadEnv, type Env } from '../../config/env.ts';
import { missingSharedSettings } from '../../config/shared-settings.ts';
import { loadSettings, openRuntime, type Runtime } from '../runtime.ts';
import { UserError } from '../user-error.ts';
import { startBanner } from '../start-banner.ts';

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
  refuseHalfConfigured(role, loadEnv());
  const settings = await loadSettings();
  const serves = role === 'all' || role === 'web';
  // Before Redis and the database: a second start on a busy port stops here, having changed nothing.
  const port = serves ? await reservePort(settings.env.PORT, settings.env.HOST) : undefined;
  let runtime: Runtime;
  try {
    runtime = await openRuntime(settings, { serve: true, storeConfig: role === 'all' || role === 'scheduler' });
    await refuseEvictingRedis(runtime);
  } catch (err) {
    port?.server.close();
    throw err;
  }
  const { services } = runtime;
  const { log } = settings;
  const noEmail = missingEmailWarning(services.env);
  if (noEmail) log.warn({ event: 'ncbi.no_email' }, noEmail);

  const schedules = role === 'all' || role === 'scheduler';
  // Every role runs on the shared config (the database's newest version, settled by
  // openRuntime), whatever copy of watches.yaml this machine has; only the scheduling role syncs schedules.
  await applyConfig(services, services.config(), schedules);
  if (schedules) await syncSystemSchedulers(services.queues.poll);
  // Every role follows config edits (workers read watches and settings from it); only the scheduling role re-syncs schedules.
  const stopFollowing = followConfigFile(services, schedules, runtime.configVersion);
  const workers = role === 'all' || role === 'worker' ? startWorkers(services) : [];
  const server = port ? serveWeb(services, port) : undefined;
  log.info({ event: 'litwatch.started', role, prefix: services.prefix, workers: workers.length, web: server !== undefined }, `litwatch started (role ${role})`);
  const banner = startBanner({
    env: services.env,
    role,
    redisWhere: runtime.redis.where,
    redisStarted: runtime.redis.stop !== undefined,
    web: server !== undefined,
    admin: adminAccess(services.env).enabled,
    generated: settings.generated,
    database: services.database,
  });
  log.info({ event: 'litwatch.ready', publicUrl: services.env.LITWATCH_PUBLIC_URL }, banner);

  const signal = await Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
  const boundMs = services.env.LITWATCH_SHUTDOWN_MS;
  log.info(
    { event: 'litwatch.stopping', signal: signal[0], boundMs },
    `stopping: active jobs have ${Math.round(boundMs / 1000)} s to finish, then go back to the queue`,
  );
  stopFollowing();
  server?.close();
  const handedBack = await closeWorkersWithin(workers, boundMs);
  await runtime.close();
  log.info({ event: 'litwatch.stopped', handedBack }, handedBack ? 'stopped; unfinished jobs will be picked up by the next worker' : 'stopped');
  // A job cut off may still hold a socket (a request to NCBI in flight): exit now rather than
  // wait for it, or the bound would mean nothing. pino flushes its buffer on exit.
  process.exit();
}

/**
 * A process started as one of several (a role, or on a Redis Cluster) must share the
 * installation's settings: refused, in one line naming every one missing, before it generates
 * or opens anything of its own.
 */
function refuseHalfConfigured(role: Role, env: Env, source: NodeJS.ProcessEnv = process.env): void {
  if (role === 'all' && !env.REDIS_CLUSTER_NODES) return;
  const missing = missingSharedSettings(source);
  if (missing.length === 0) return;
  const who = role === 'all' ? 'litwatch start on a Redis Cluster' : `litwatch start --role ${role}`;
  throw new UserError(
    `${who} runs beside other litwatch processes and must share their settings; set ${missing.join(', ')} (left unset, this process would use a database, Redis, secret, address or mail folder of its own)`,
  );
}

function serveWeb(services: Services, port: Awaited<ReturnType<typeof reservePort>>): Server {
  port.serve(createWebServer(services));
  const { server } = port;
  const base = services.env.LITWATCH_PUBLIC_URL;
  const pages = [
    `${base}/healthz`,
    `${base}/metrics`,
    ...(services.tokens ? [`${base}/subscribe`] : []),
    ...(adminAccess(services.env).enabled ? [`${base}/admin`] : []),
  ];
  services.log.info(
    { event: 'web.listening', host: services.env.HOST, port: services.env.PORT, publicUrl: base },
    `listening on ${services.env.HOST}:${services.env.PORT} (HOST); web pages: ${pages.join(', ')}`,
  );
  return server;
}

/**
 * BullMQ's own requirement: a Redis that evicts keys under memory pressure drops queued jobs.
 * A Redis that does not let us read its config (some managed ones) is trusted, with a warning.
 */
async function refuseEvictingRedis(runtime: Runtime): Promise<void> {
  const { services } = runtime;
  let found: Awaited<ReturnType<Services['system']['redisEvictionPolicy']>>;
  try {
    found = await services.system.redisEvictionPolicy();
  } catch (err) {
    services.log.warn({ err, event: 'redis.policy_unknown' }, 'could not read Redis maxmemory-policy (CONFIG GET refused): make sure it is noeviction');
    return;
  }
  if (found !== undefined && found.policy !== 'noeviction') {
    await runtime.close();
    throw new RedisEvictionError(found.node ?? (runtime.redis.cluster ? runtime.redis.where : redactedRedis(runtime.redis.url)), found.policy);
  }
}

function redactedRedis(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  parsed.username = '';
  return parsed.host;
}
