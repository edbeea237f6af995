/**
 * The queues, one per pipeline stage, so each stage gets its own concurrency and the dashboard
 * shows where work piles up: `poll` searches (one job per watch run), `fetch` downloads and
 * stores batches of records, `enrich` completes their cards (ID converter, entities),
 * `fulltext` fetches their PMC full texts 20 a request, `digest` plans and builds digests,
 * `mail` only talks SMTP (rate-limited across workers).
 */
export const QUEUE_NAMES = ['poll', 'fetch', 'enrich', 'fulltext', 'digest', 'mail'] as const;

export type QueueName = (typeof QUEUE_NAMES)[number];
