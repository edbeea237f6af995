/**
 * The Redis keys the store itself uses: only state that may be lost (BullMQ keeps its queues
 * under `{prefix}:{queue}:`, the NCBI limiters their own keys) and short locks. Everything durable is in the
 * database.
 */
export function storeKeys(prefix: string) {
  const base = `${prefix}:store`;
  return {
    /** String: consecutive bad answers from NCBI (a good answer resets it). */
    ncbiErrorStreak: `${base}:metrics:ncbi-error-streak`,
    /** String with a TTL: the job fetching this PMCID's full text right now (so no other fetches it too). */
    fullTextClaim: (pmcid: string) => `${base}:enrich:fulltext-claim:${pmcid}`,
    /**
     * One pool of PMCIDs waiting for a full-text request, per scope (a poll's stage, or one
     * enrich job): `entries` sorted set PMCID by arrival, `works` hash PMCID -> work key, `seq`
     * arrival counter, `producers` set of the enrich jobs that added theirs, `expected` how many
     * will (set when the scope closes). All expire a day after the last change.
     */
    fullTextPool: (scope: string) => {
      // One hash tag: the pool's Lua step touches all five, so they share a Redis Cluster slot.
      const pool = `${base}:enrich:fulltext-pool:{${scope}}`;
      return [`${pool}:entries`, `${pool}:works`, `${pool}:seq`, `${pool}:producers`, `${pool}:expected`];
    },
    /**
     * One abuse counter (rate-counters.ts): `kind` says what is counted (`signup-network`,
     * `confirmations`), `subject` whom (a client network, a hashed address). Each script touches
     * one key, so no hash tag is needed for a Redis Cluster.
     */
    rateCounter: (kind: string, subject: string) => `${base}:limits:${kind}:${subject}`,
    /** String, no TTL: the id of the database whose records these queues' jobs belong to (SystemStore.claimQueues). */
    databaseId: `${base}:database-id`,
    /** String with a TTL: the id of the poll job polling this watch now (poll-locks.ts). */
    pollLock: (watchId: string) => `${base}:poll:lock:${watchId}`,
    /** String: what the last bad answer from NCBI was, in words (shown with the error streak). */
    ncbiLastError: `${base}:metrics:ncbi-last-error`,
    /** Set: "event|subject" of the health checks failing at the last check (recomputed each check). */
    healthFlagged: `${base}:health:flagged`,
  } as const;
}

export type StoreKeys = ReturnType<typeof storeKeys>;
