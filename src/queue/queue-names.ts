/**
 * The queues, one per pipeline stage, so each stage gets its own concurrency and the dashboard
 * shows where work piles up: `poll` searches (one job per watch run), `fetch` downloads and
 * stores batches of records, `enrich` completes their cards (ID converter, entities),
 * `fulltext` fetches their PMC full texts 20 a request, `digest` plans and builds digests,
 * `mail` only talks SMTP (rate-limited across workers).
 */
export const QUEUE_NAMES = ['poll', 'fetch', 'enrich', 'fulltext', 'digest', 'mail'] as const;

export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * On a Redis Cluster, every key one BullMQ script touches must sit in one hash slot, so each
 * queue's keys carry a hash tag (BullMQ's "queue name in braces"): a tag per queue spreads the
 * queues over the shards. `fetch` shares `poll`'s tag: a poll job is the parent of its fetch
 * jobs (a flow), and finishing a child updates its parent's keys in the same script.
 */
const SLOT_TAGS: Readonly<Record<QueueName, string>> = { poll: 'poll', fetch: 'poll', enrich: 'enrich', fulltext: 'fulltext', digest: 'digest', mail: 'mail' };

/**
 * The name BullMQ knows a queue by: the stage's name on one Redis (so keys stay
 * `<prefix>:poll:…`, as they always were), `poll{poll}`, `fetch{poll}`… on a cluster.
 */
export function bullQueueName(queue: QueueName, cluster: boolean): string {
  return cluster ? `${queue}{${SLOT_TAGS[queue]}}` : queue;
}
