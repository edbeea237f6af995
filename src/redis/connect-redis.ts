import { Cluster, Redis, type ClusterOptions } from 'ioredis';

/** One Redis server or a Redis Cluster: every command the stores and BullMQ send works on both. */
export type RedisClient = Redis | Cluster;

/** A Redis Cluster, from REDIS_CLUSTER_NODES: some of its nodes (the client finds the others) and how to log in. */
export interface RedisClusterSettings {
  nodes: readonly { host: string; port: number }[];
  username?: string;
  password?: string;
  /** `rediss://` nodes: TLS to every node. */
  tls: boolean;
}

/** Where the queues live: REDIS_URL (or the local Redis found or started), or a cluster. */
export type RedisTarget = { url: string; cluster?: undefined } | { cluster: RedisClusterSettings; url?: undefined };

/**
 * A Redis connection usable by BullMQ workers: `maxRetriesPerRequest: null` makes commands wait
 * through a Redis restart instead of failing the job that issued them (BullMQ requires it for
 * workers' blocking connections; for a cluster, on every node's connection).
 */
export function connectRedis(target: RedisTarget): RedisClient {
  if (target.cluster) return new Cluster([...target.cluster.nodes], clusterOptions(target.cluster, { maxRetriesPerRequest: null }));
  return new Redis(target.url, { maxRetriesPerRequest: null });
}

function clusterOptions(cluster: RedisClusterSettings, redisOptions: NonNullable<ClusterOptions['redisOptions']>): ClusterOptions {
  return {
    // Wait for CLUSTER INFO to say ok before the first command, and follow up to 16 MOVED/ASK
    // redirections (ioredis's default) while slots migrate.
    enableReadyCheck: true,
    maxRedirections: 16,
    redisOptions: {
      ...redisOptions,
      ...(cluster.username ? { username: cluster.username } : {}),
      ...(cluster.password ? { password: cluster.password } : {}),
      ...(cluster.tls ? { tls: {} } : {}),
    },
  };
}

/** Does something answer PING at this URL within the timeout? Never throws. */
export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  probe.on('error', () => {}); // reported through the promise below
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Does the cluster answer, with every slot served (`cluster_state:ok`), within the timeout?
 * Never throws. A cluster still forming, or missing a master, is not ready for the queues.
 */
export async function clusterAnswers(cluster: RedisClusterSettings, timeoutMs = 3000): Promise<boolean> {
  const probe = new Cluster([...cluster.nodes], {
    ...clusterOptions(cluster, { maxRetriesPerRequest: 0, connectTimeout: timeoutMs }),
    lazyConnect: true,
    clusterRetryStrategy: () => null,
  });
  probe.on('error', () => {}); // reported through the promise below
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, timeoutMs, false)));
  try {
    const asked = (async () => {
      await probe.connect();
      const info = String(await probe.cluster('INFO'));
      return /^cluster_state:ok\b/m.test(info);
    })().catch(() => false);
    return await Promise.race([asked, timeout]);
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
}

/**
 * The servers that hold keys: the one Redis, or every master of a cluster. Server-wide
 * questions (INFO, CONFIG GET) and key scans are asked of each, since a cluster node answers
 * only for itself.
 */
export function keyHolders(redis: RedisClient): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/** Delete every key matching `pattern` on every server that holds keys (SCAN, so no server blocks). Returns how many went. */
export async function deleteKeys(redis: RedisClient, pattern: string): Promise<number> {
  let deleted = 0;
  for (const node of keyHolders(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      // One DEL a key, pipelined: a cluster node refuses a DEL of keys in several slots, even its own.
      const pipeline = node.pipeline();
      for (const key of keys) pipeline.del(key);
      for (const [, count] of (await pipeline.exec()) ?? []) deleted += Number(count ?? 0);
      cursor = next;
    } while (cursor !== '0');
  }
  return deleted;
}
