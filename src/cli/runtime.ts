import { loadConfig, type Config } from '../config/load-config.ts';
import { loadEnv, type Env } from '../config/env.ts';
import { createLogger, setLogger, type Logger } from '../log.ts';
import { ensureRedis, type RedisHandle } from '../redis/ensure-redis.ts';
import { createServices, type Services } from '../services.ts';
import { openDatabase } from '../store/db/open-database.ts';

export interface Settings {
  env: Env;
  config: Config;
  log: Logger;
}

/** Environment and config, validated; throws ConfigError listing every problem. */
export async function loadSettings(): Promise<Settings> {
  const env = loadEnv();
  const log = createLogger({ level: env.LOG_LEVEL });
  setLogger(log);
  const config = await loadConfig(env.LITWATCH_CONFIG);
  return { env, config, log };
}

export interface Runtime {
  services: Services;
  redis: RedisHandle;
  close(): Promise<void>;
}

/** Settings plus a Redis (found or started) and the services on top of it. */
export async function openRuntime(settings: Settings): Promise<Runtime> {
  const redis = await ensureRedis(settings.env.REDIS_URL, settings.log);
  // The database first: when it cannot be used (in use, newer than the code, not answering),
  // one line says why before any queue connection is opened.
  const db = openDatabase(settings.env);
  try {
    await db.ready();
  } catch (err) {
    await db.close().catch(() => {});
    await redis.stop?.();
    throw err;
  }
  settings.log.debug({ event: 'database.ready', kind: db.kind, where: db.where }, db.kind === 'embedded' ? `embedded database in ${db.where} (one process only; set DATABASE_URL for several)` : `PostgreSQL at ${db.where}`);
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
