import { Queue, type DefaultJobOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../redis/connect-redis.ts';
import { bullQueueName, QUEUE_NAMES, type QueueName } from './queue-names.ts';

export type Queues = Readonly<Record<QueueName, Queue>>;

export interface RetryPolicy {
  /** Attempts per job, the first included. @defaultValue 5 */
  attempts: number;
  /** First retry delay, doubled each attempt, with jitter. @defaultValue 15000 */
  backoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, backoffMs: 15_000 };

/**
 * The one place retry and retention are decided. Completed jobs are kept a week (the dashboard
 * shows recent history), failed ones a month: a failure must stay visible until someone looks.
 */
export function defaultJobOptions(retry: RetryPolicy = DEFAULT_RETRY): DefaultJobOptions {
  return {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}

/** One BullMQ queue per stage; workers and QueueEvents take each one's `name` (it carries a hash tag on a cluster). */
export function createQueues(connection: RedisClient, prefix: string, retry?: RetryPolicy): Queues {
  const cluster = connection instanceof Cluster;
  const entries = QUEUE_NAMES.map(
    (name) => [name, new Queue(bullQueueName(name, cluster), { connection, prefix, defaultJobOptions: defaultJobOptions(retry) })] as const,
  );
  return Object.freeze(Object.fromEntries(entries) as Record<QueueName, Queue>);
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}
