import { QUEUE_NAMES, type QueueName } from '../../queue/queue-names.ts';
import type { Queues } from '../../queue/queues.ts';

/** The job states the overview and /metrics report, in BullMQ's names. */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

export type JobState = (typeof JOB_STATES)[number];
export type QueueCounts = Record<QueueName, Record<JobState, number>>;

/** Jobs per state in every queue: one round trip per queue. */
export async function queueCounts(queues: Queues): Promise<QueueCounts> {
  const counts = await Promise.all(QUEUE_NAMES.map((name) => queues[name].getJobCounts(...JOB_STATES)));
  return Object.fromEntries(
    QUEUE_NAMES.map((name, i) => [name, Object.fromEntries(JOB_STATES.map((state) => [state, counts[i]?.[state] ?? 0]))]),
  ) as QueueCounts;
}
