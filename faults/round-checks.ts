import type { Job } from 'bullmq';
import { messageId } from '../jobs/send-digest.ts';
import { QUEUE_NAMES } from '../src/queue/queue-names.ts';
import type { Services } from '../src/services.ts';
import { digestId } from '../src/store/digest-store.ts';
import type { Received } from '../test/helpers/smtp-fault-server.ts';

export interface QueueState {
  /** Jobs not finished: active, waiting, prioritized, waiting for children, or delayed (retries), scheduler jobs left out. */
  unfinished: number;
  failed: number;
}

/** Jobs that ended failed, as `queue job-name: reason` lines, for the run's closing summary. */
export async function failedJobs(services: Services): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const name of QUEUE_NAMES) {
    for (const job of await services.queues[name].getFailed(0, 10_000))
      found.set(`${name}:${job.id}`, `${name} ${job.name}: ${job.failedReason.slice(0, 120)}`);
  }
  return found;
}

/** Every queue's unfinished and failed jobs. Scheduler jobs waiting for their next cron time are not work. */
export async function queueState(services: Services): Promise<QueueState> {
  let unfinished = 0;
  let failed = 0;
  for (const name of QUEUE_NAMES) {
    const queue = services.queues[name];
    const counts = await queue.getJobCounts('active', 'waiting', 'prioritized', 'waiting-children', 'failed');
    unfinished += (counts.active ?? 0) + (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts['waiting-children'] ?? 0);
    failed += counts.failed ?? 0;
    const delayed: Job[] = await queue.getDelayed(0, 1000);
    unfinished += delayed.filter((job) => !job.repeatJobKey).length;
  }
  return { unfinished, failed };
}

export interface DigestTally {
  expected: number;
  /** Subscribers whose digest reached the SMTP server at least once. */
  delivered: number;
  /** Messages beyond the first for one digest. */
  duplicates: number;
  /** Digests still pending or sending. */
  unsettled: number;
  /** Digests refused for good by the server (550), as intended. */
  refused: number;
}

/** What happened to each subscriber's digest of this period, in the store and at the SMTP server. */
export async function tallyDigests(
  services: Services,
  subscriberIds: string[],
  period: string,
  refusedIds: Set<string>,
  received: Received[],
): Promise<DigestTally> {
  const byMessageId = new Map<string, number>();
  for (const message of received) byMessageId.set(message.messageId, (byMessageId.get(message.messageId) ?? 0) + 1);
  const tally: DigestTally = { expected: 0, delivered: 0, duplicates: 0, unsettled: 0, refused: 0 };
  for (const subscriberId of subscriberIds) {
    const id = digestId(subscriberId, period);
    const digest = await services.digests.get(id);
    const copies = byMessageId.get(messageId(id, services.env.LITWATCH_PUBLIC_URL)) ?? 0;
    if (refusedIds.has(subscriberId)) {
      if (digest?.status === 'failed' && copies === 0) tally.refused += 1;
      else if (digest?.status !== 'failed') tally.unsettled += 1;
      continue;
    }
    tally.expected += 1;
    if (copies > 0) tally.delivered += 1;
    tally.duplicates += Math.max(0, copies - 1);
    if (!digest || digest.status === 'pending' || digest.status === 'sending') tally.unsettled += 1;
  }
  return tally;
}
