import { loadConfig, type Config } from '../config/load-config.ts';
import { loadEnv, type Env } from '../config/env.ts';
import { createLogger, setLogger, type Logger } from '../log.ts';
import { clusterAnswers, redisAnswers, type RedisClusterSettings } from '../redis/connect-redis.ts';
import { ensureRedis, type RedisHandle } from '../redis/ensure-redis.ts';
import { createServices, type Services } from '../services.ts';
import { settleSharedConfig } from '../shared-config.ts';
import { openDatabase } from '../store/db/open-database.ts';
import { commandLogDestination, commandLogFile } from './command-log.ts';
import { withGeneratedDefaults, type Generated } from './first-start.ts';
import { UserError } from './user-error.ts';

export interface Settings {
  env: Env;
  config: Config;
  log: Logger;
  /** What a first start made in LITWATCH_VAR (secret, dashboard password), for the start banner. */
  generated: Generated;
}

/**
 * Environment and config, validated; throws ConfigError listing every problem. A secret or
 * dashboard password the environment does not give is read from (or made once in) LITWATCH_VAR,
 * so every command signs links with the same secret (first-start.ts).
 */
export async function loadSettings(): Promise<Settings> {
  const given = loadEnv();
  const file = commandLogFile(given.LITWATCH_VAR);
  const log = createLogger({ level: given.LOG_LEVEL, ...(file ? { destination: commandLogDestination(file) } : {}) });
  setLogger(log);
  const { env, generated } = withGeneratedDefaults(given, log);
  const config = await loadConfig(env.LITWATCH_CONFIG);
  return { env, config, log, generated };
}

export interface Runtime {
  services: Services;
  redis: RedisHandle & {
    /** The cluster's settings when REDIS_CLUSTER_NODES is set (then `url` is unset). */
    cluster?: RedisClusterSettings;
    /** Which Redis or cluster, as a log or banner may show it (no password). */
    where: string;
  };
  /** The shared config version in force (0 when none; see shared-config.ts). */
  configVersion: number;
  close(): Promise<void>;
}

/** How long a configured REDIS_URL may take to answer before the command gives up with a clear line. */
const REDIS_PROBE_MS = 3000;

/**
 * Settings plus a Redis (found or started, or the cluster) and the services on top of it.
 * `serve` (litwatch start) also serves the embedded database to the CLI; without it, a command
 * finding the embedded database held by a running litwatch reaches it through that one's socket.
 */
export async function openRuntime(settings: Settings, options: { serve?: boolean; sharedConfig?: boolean; storeConfig?: boolean } = {}): Promise<Runtime> {
  const redis = await openRedis(settings);
  // The database first: when it cannot be used (in use, newer than the code, not answering),
  // one line says why before any queue connection is opened.
  const db = openDatabase(
    settings.env,
    options.serve
      ? {
          serve: true,
          onServeProblem: (reason) =>
            settings.log.warn(
              { event: 'database.not_served', reason },
              `the embedded database is not served to CLI commands (${reason}): they cannot run while this litwatch runs; set DATABASE_URL, or a shorter LITWATCH_DB_DIR`,
            ),
        }
      : {},
  );
  try {
    await db.ready();
  } catch (err) {
    await db.close().catch(() => {});
    await redis.stop?.();
    throw err;
  }
  settings.log.debug(
    { event: 'database.ready', kind: db.kind, where: db.where, servedBy: db.servedBy },
    db.kind === 'postgres'
      ? `PostgreSQL at ${db.where}`
      : db.servedBy === undefined
        ? `embedded database in ${db.where}`
        : `embedded database in ${db.where}, through the running litwatch (process ${db.servedBy})`,
  );
  const target = redis.cluster ? { cluster: redis.cluster } : { url: redis.url };
  const services = createServices({ env: settings.env, config: settings.config, redis: target, log: settings.log, db });
  await refuseForeignQueues(services, redis).catch(async (err: unknown) => {
    await services.close().catch(() => {});
    await redis.stop?.();
    throw err;
  });
  // Every command runs on the shared config, like the service: a command on a machine with an
  // older watches.yaml must not mirror its old subscribers or poll with its old queries.
  // `sharedConfig: false` for the commands about the local file itself (config check, vocab sync);
  // `storeConfig` (the scheduling start) stores a local file edited since the newest version.
  let configVersion = 0;
  if (options.sharedConfig !== false) {
    try {
      // The embedded database serves one machine: there every command may store an edit.
      const store = options.storeConfig === true || db.kind === 'embedded';
      const shared = await settleSharedConfig(services, { store, local: settings.config });
      services.setConfig(shared.config);
      configVersion = shared.version;
    } catch (err) {
      await services.close().catch(() => {});
      await redis.stop?.();
      throw err;
    }
  }
  return {
    services,
    redis,
    configVersion,
    async close() {
      await services.close();
      await redis.stop?.();
    },
  };
}

/**
 * The queues under this prefix belong to the first database that served them: a process on
 * another database (a worker started without DATABASE_URL, or with another one) would take
 * their jobs and store the works where nobody reads them, so it is refused in one line.
 */
async function refuseForeignQueues(services: Services, redis: Runtime['redis']): Promise<void> {
  const claim = await services.system.claimQueues();
  if (claim.ours) return;
  throw new UserError(
    `the queues under LITWATCH_PREFIX ${services.prefix} on ${redis.where} belong to another database (id ${claim.claimedBy}; this one, ${services.database.where}, is ${claim.database}): set DATABASE_URL to that database, or use another LITWATCH_PREFIX; if this database replaced it on purpose, delete the Redis key ${claim.key}`,
  );
}

async function openRedis(settings: Settings): Promise<Runtime['redis']> {
  const cluster = settings.env.REDIS_CLUSTER_NODES;
  if (cluster) {
    const where = `Redis Cluster ${cluster.nodes.map((node) => `${node.host}:${node.port}`).join(',')}`;
    if (!(await clusterAnswers(cluster, REDIS_PROBE_MS))) {
      throw new UserError(
        `${where} (REDIS_CLUSTER_NODES) does not answer with cluster_state:ok: start its nodes and assign every slot, or fix REDIS_CLUSTER_NODES`,
      );
    }
    return { url: '', cluster, where };
  }
  const redis = await ensureRedis(settings.env.REDIS_URL, settings.log);
  // Commands wait through a Redis outage once running (BullMQ's choice); at start, a Redis
  // that is not there is a typo or a stopped server, better said at once than waited on.
  if (settings.env.REDIS_URL && !(await redisAnswers(redis.url, REDIS_PROBE_MS))) {
    throw new UserError(`Redis at ${redactUrl(redis.url)} (REDIS_URL) does not answer: start it, or fix REDIS_URL`);
  }
  return { ...redis, where: redactUrl(redis.url) };
}

/** A URL as a log or banner may show it: no password. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href.replace(/\/$/, '');
}
