import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.ts';
import { redisAnswers } from './connect-redis.ts';
import { RedisUnavailableError } from './redis-unavailable-error.ts';

/** How long a redis-server litwatch started may take to answer before litwatch gives up on it. */
const START_PATIENCE_MS = 30_000;

export { RedisUnavailableError };

export interface LocalRedisOptions {
  /** @defaultValue 6379 */
  port?: number;
  /** Where a started server keeps its append-only file. @defaultValue var/redis */
  dataDir?: string;
}

export interface RedisHandle {
  url: string;
  /** Set when litwatch started the server itself; stopped with litwatch. */
  stop?: () => Promise<void>;
}

/**
 * Find the Redis to use: REDIS_URL when set; else one answering on 127.0.0.1:6379; else start a
 * local redis-server with its data in `var/redis` and the append-only file on, so a newcomer's
 * `npm start` works and a restart loses no queued job.
 */
export async function ensureRedis(redisUrl: string | undefined, log: Logger, local: LocalRedisOptions = {}): Promise<RedisHandle> {
  if (redisUrl) return { url: redisUrl };
  const port = local.port ?? 6379;
  const url = `redis://127.0.0.1:${port}`;
  if (await redisAnswers(url)) return { url };
  const binary = findOnPath('redis-server');
  if (!binary) throw new RedisUnavailableError(port);
  const dataDir = local.dataDir ?? path.resolve('var', 'redis');
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    {
      stdio: 'ignore',
    },
  );
  await waitUntilAnswering(child, url);
  log.info(
    { event: 'redis.started_local', dataDir },
    `No Redis was running: started a local redis-server (data in ${path.relative(process.cwd(), dataDir) || dataDir}, append-only file on)`,
  );
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM'); // redis-server flushes its append-only file on SIGTERM
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/**
 * Until it answers, or exits (a port taken, a folder it cannot write). The guard is long: a
 * busy machine can take seconds to start a process, and giving up on a server that is still
 * starting would only stop litwatch.
 */
async function waitUntilAnswering(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + START_PATIENCE_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await redisAnswers(url, 200)) return;
    await sleep(100);
  }
  throw new Error(`a local redis-server was started but does not answer at ${url} (exit code ${child.exitCode ?? 'none yet'})`);
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
