/**
 * The queues, one per pipeline stage, so each stage gets its own concurrency and the dashboard
 * shows where work piles up: `poll` searches (one job per watch run), `fetch` downloads and
 * stores batches of records.
 */
export const QUEUE_NAMES = ['poll', 'fetch'] as const;

export type QueueName = (typeof QUEUE_NAMES)[number];
