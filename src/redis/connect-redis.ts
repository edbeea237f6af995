import { Redis } from 'ioredis';

/**
 * A Redis connection usable by BullMQ workers: `maxRetriesPerRequest: null` makes commands wait
 * through a Redis restart instead of failing the job that issued them (BullMQ requires it for
 * workers' blocking connections).
 */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
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
