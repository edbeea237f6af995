import { loadConfig, type Config } from '../config/load-config.ts';
import { loadEnv, type Env } from '../config/env.ts';
import { createLogger, setLogger, type Logger } from '../log.ts';
import { redisAnswers } from '../redis/connect-redis.ts';
import { ensureRedis, type RedisHandle } from '../redis/ensure-redis.ts';
import { createServices, type Services } from '../services.ts';
import { openDatabase } from '../store/db/open-database.ts';
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
  const log = createLogger({ level: given.LOG_LEVEL });
  setLogger(log);
  const { env, generated } = withGeneratedDefaults(given, log);
  const config = await loadConfig(env.LITWATCH_CONFIG);
  return { env, config, log, generated };
}

export interface Runtime {
  services: Services;
  redis: RedisHandle;
  close(): Promise<void>;
}

/** How long a configured REDIS_URL may take to answer before the command gives up with a clear line. */
const REDIS_PROBE_MS = 3000;

/**
 * Settings plus a Redis (found or started) and the services on top of it. `serve` (litwatch
 * start) also serves the embedded database to the CLI; without it, a command finding the
 * embedded database held by a running litwatch reaches it through that one's socket.
 */
export async function openRuntime(settings: Settings, options: { serve?: boolean } = {}): Promise<Runtime> {
  const redis = await ensureRedis(settings.env.REDIS_URL, settings.log);
  // Commands wait through a Redis outage once running (BullMQ's choice); at start, a Redis
  // that is not there is a typo or a stopped server, better said at once than waited on.
  if (settings.env.REDIS_URL && !(await redisAnswers(redis.url, REDIS_PROBE_MS))) {
    throw new UserError(`Redis at ${redactUrl(redis.url)} (REDIS_URL) does not answer: start it, or fix REDIS_URL`);
  }
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
  const services = createServices({ env: settings.env, config: settings.config, redisUrl: redis.url, log: settings.log, db });
  return {
    services,
    redis,
    async close() {
      await services.close();
      await redis.stop?.();
    },
  };
}

/** A URL as a log or banner may show it: no password. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href.replace(/\/$/, '');
}
