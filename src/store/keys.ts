/**
 * Every Redis key litwatch's own data uses (BullMQ keeps its queues under `{prefix}:{queue}:`).
 * The `store` segment keeps them apart from queue names.
 */
export function storeKeys(prefix: string) {
  const base = `${prefix}:store`;
  return {
    /** Hash: one work (see works.ts for its fields). */
    work: (key: string) => `${base}:work:${key}`,
    /** Set: ids of the watches that matched a work. */
    workWatches: (key: string) => `${base}:work:${key}:watches`,
    /** Set: the databases the work was found in (`pubmed`, `pmc`). */
    workSources: (key: string) => `${base}:work:${key}:sources`,
    /** String (JSON FullText): what the card shows of the PMC full text. */
    workFullText: (key: string) => `${base}:work:${key}:fulltext`,
    /** String (JSON WorkEntities): the card's entity sections. */
    workEntities: (key: string) => `${base}:work:${key}:entities`,
    /** String (JSON CardSummary): a summariser model's summary, when one is configured. */
    workSummary: (key: string) => `${base}:work:${key}:summary`,
    /** Sorted set: works tagged offline, to ask PubTator again until the score (ms) passes. */
    enrichRetry: `${base}:enrich:retry`,
    /** Hash: work key -> JSON EnrichmentPending, for works whose card is not complete yet. */
    enrichPending: `${base}:enrich:pending`,
    /** Sorted set: works whose enrichment failed, scored by when a later poll may try again (ms). */
    enrichFailed: `${base}:enrich:failed`,
    /** String with a TTL: the job fetching this PMCID's full text right now (so no other fetches it too). */
    fullTextClaim: (pmcid: string) => `${base}:enrich:fulltext-claim:${pmcid}`,
    /** Sorted set: every work key, scored by first-seen time (ms). */
    works: `${base}:works`,
    /** Sorted set: the works a watch matched, scored by when it first matched them. */
    watchWorks: (watchId: string) => `${base}:watch:${watchId}:works`,
    /** String (JSON): where the watch's next poll starts. */
    watchCursor: (watchId: string) => `${base}:watch:${watchId}:cursor`,
    /** Hashes: normalised DOI / PMID / PMCID -> work key. */
    byDoi: `${base}:idx:doi`,
    byPmid: `${base}:idx:pmid`,
    byPmcid: `${base}:idx:pmcid`,
    /** String (JSON Subscriber). */
    subscriber: (id: string) => `${base}:subscriber:${id}`,
    /** Set: work keys this subscriber has received. */
    subscriberSent: (id: string) => `${base}:subscriber:${id}:sent`,
    /** Set: every subscriber id. */
    subscribers: `${base}:subscribers`,
    /** Hash: lowercased email -> subscriber id. */
    subscriberByEmail: `${base}:idx:subscriber-email`,
    /** String (JSON SubscriptionRequest) with a TTL: a self-subscription awaiting confirmation. */
    subscriptionRequest: (id: string) => `${base}:subscription-request:${id}`,
    /** Hash: one digest (see digest-store.ts). */
    digest: (id: string) => `${base}:digest:${id}`,
    /** Sorted set: digest ids by creation time. */
    digests: `${base}:digests`,
    /** Set: works in this subscriber's digests that are built but not sent yet. */
    subscriberInFlight: (id: string) => `${base}:subscriber:${id}:in-flight`,
    /** Hash: installation-wide counters (metrics-store.ts). */
    metrics: `${base}:metrics`,
    /** String: consecutive bad answers from NCBI. */
    ncbiErrorStreak: `${base}:metrics:ncbi-error-streak`,
    /** Hash: day (YYYY-MM-DD) -> works a watch found new that day. */
    watchDaily: (watchId: string) => `${base}:watch:${watchId}:daily`,
    /** Hash: a watch's last poll (WatchStatus). */
    watchStatus: (watchId: string) => `${base}:watch:${watchId}:status`,
    /** Hash: notice PMID -> JSON WorkNotice (retractions, errata, concerns PubMed links to a work). */
    workNotices: (key: string) => `${base}:work:${key}:notices`,
    /** Set: "workKey|noticePmid" notices this subscriber is owed in the next digest. */
    subscriberNotices: (id: string) => `${base}:subscriber:${id}:notices`,
    /** Set: "event|subject" of the health checks failing at the last check. */
    healthFlagged: `${base}:health:flagged`,
    /** Prefix the upsert script uses to build work keys inside Redis. */
    workPrefix: `${base}:work:`,
  } as const;
}

export type StoreKeys = ReturnType<typeof storeKeys>;
