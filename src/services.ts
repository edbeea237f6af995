import { calendarClock } from './clock.ts';
import type { Env } from './config/env.ts';
import type { Config } from './config/load-config.ts';
import type { Logger } from './log.ts';
import { createNcbiHttp, type NcbiTuning } from './ncbi/create-ncbi-http.ts';
import type { NcbiHttp, NcbiOutcome } from './ncbi/ncbi-http.ts';
import { closeQueues, createQueues, type Queues, type RetryPolicy } from './queue/queues.ts';
import { connectRedis, type RedisClient, type RedisTarget } from './redis/connect-redis.ts';
import { loadVocabularyOnce } from './entities/vocabulary-cache.ts';
import type { Vocabulary } from './entities/vocabulary.ts';
import { CursorStore } from './store/cursor-store.ts';
import { EnrichmentStore } from './store/enrichment-store.ts';
import { FeedStore } from './store/feed-store.ts';
import { DigestStore } from './store/digest-store.ts';
import { SubscriberStore } from './store/subscriber-store.ts';
import { MetricsStore } from './store/metrics-store.ts';
import { PollLocks } from './store/poll-locks.ts';
import { NoticeStore } from './store/notice-store.ts';
import { LinkTokens } from './mail/link-tokens.ts';
import { createMailTransport, type MailTransport } from './mail/mail-transport.ts';
import { WorkStore } from './store/work-store.ts';
import { SetAsideStore } from './store/set-aside-store.ts';
import { openDatabase, type MigratedDatabase } from './store/db/open-database.ts';
import { SystemStore } from './store/system-store.ts';
import { RateCounters } from './store/rate-counters.ts';
import { ConfigStore } from './store/config-store.ts';
import { VocabularyStore } from './store/vocabulary-store.ts';

/**
 * Everything a job or a command needs, built once per process. Jobs get it through their
 * context, so tests build one against a test prefix and a local NCBI stand-in.
 */
export interface Services {
  env: Env;
  /** The config in force (a function: live reloading replaces it without restarting). */
  config(): Config;
  /** Put a new, already validated config in force. */
  setConfig(config: Config): void;
  /** BullMQ's connection: for src/queue only (the stores keep their own). */
  queueConnection: RedisClient;
  prefix: string;
  /** Connects to the database and applies pending migrations; rejects with a one-line reason. */
  ready(): Promise<void>;
  /** Which database holds the records (for the start banner and logs; no client). */
  database: { kind: 'postgres' | 'embedded'; where: string };
  /** Pings, database size and row counts, Redis memory: what health and /admin ask the stores. */
  system: SystemStore;
  works: WorkStore;
  /** Records a fetch could not store, with why (jobs/fetch-batch.ts). */
  setAside: SetAsideStore;
  cursors: CursorStore;
  enrichment: EnrichmentStore;
  subscribers: SubscriberStore;
  digests: DigestStore;
  metrics: MetricsStore;
  /** Which job polls each watch now: one poll per watch at a time. */
  pollLocks: PollLocks;
  notices: NoticeStore;
  /** Abuse counters in Redis (sign-ups, confirmation emails, admin logins), shared by every process on the prefix. */
  rateCounters: RateCounters;
  /** Built feeds, shared by every web process. */
  feeds: FeedStore;
  /** The shared config: every stored version of watches.yaml (shared-config.ts). */
  configs: ConfigStore;
  /** The shared vocabulary, stored once for every machine. */
  vocabularies: VocabularyStore;
  /** Signs links in emails; undefined without LITWATCH_SECRET (subscriptions and digests are then off). */
  tokens?: LinkTokens;
  /** SMTP (SMTP_URL) or the outbox folder, opened on first use. */
  mail(): MailTransport;
  /** The offline vocabulary, the database's shared copy (stored from LITWATCH_VOCAB when newer), loaded on first use; undefined when there is none. */
  vocabulary(): Promise<Vocabulary | undefined>;
  ncbi: NcbiHttp;
  queues: Queues;
  log: Logger;
  /** The calendar clock: "today" for poll windows, digest periods and retries (see clock.ts; tests pin it). */
  now(): Date;
  close(): Promise<void>;
}

export interface ServicesOptions {
  env: Env;
  config: Config;
  /** One Redis by URL (tests, benches)… */
  redisUrl?: string;
  /** …or where the queues live, a Redis or a Redis Cluster (litwatch's commands). */
  redis?: RedisTarget;
  log: Logger;
  /** A database already open (tests, benches); default: DATABASE_URL, else the embedded one in LITWATCH_DB_DIR. */
  db?: MigratedDatabase;
  ncbi?: NcbiTuning;
  retry?: RetryPolicy;
  now?: () => Date;
}

export function createServices(options: ServicesOptions): Services {
  const target = options.redis ?? (options.redisUrl === undefined ? undefined : { url: options.redisUrl });
  if (!target) throw new Error('createServices needs redis or redisUrl');
  const redis = connectRedis(target);
  // Errors of a connection being closed (a command still in flight when a short CLI command
  // quits, EPIPE on the way out) say nothing about Redis: only those before close() are logged.
  let closing = false;
  redis.on('error', (err) => {
    if (!closing) options.log.error({ err, event: 'redis.error' }, 'Redis connection error');
  });
  const prefix = options.env.LITWATCH_PREFIX;
  const queues = createQueues(redis, prefix, options.retry);
  let config = options.config;
  let transport: MailTransport | undefined;
  const db = options.db ?? openDatabase(options.env);
  const works = new WorkStore(db, options.log);
  const vocabularies = new VocabularyStore(db);
  const metrics = new MetricsStore(db, redis, prefix, works);
  // Metrics must never fail a request: a lost count is logged, the request goes on.
  const onOutcome = (outcome: NcbiOutcome, words?: string) =>
    void metrics
      .ncbiRequest(outcome, words)
      .catch((err: unknown) => options.log.warn({ err, event: 'metrics.write_failed' }, 'could not count an NCBI request'));
  return {
    env: options.env,
    config: () => config,
    setConfig: (next) => {
      config = next;
    },
    queueConnection: redis,
    prefix,
    ready: () => db.ready(),
    database: { kind: db.kind, where: db.where },
    system: new SystemStore(db, redis, prefix),
    works,
    setAside: new SetAsideStore(db),
    cursors: new CursorStore(db),
    enrichment: new EnrichmentStore(db, redis, prefix),
    subscribers: new SubscriberStore(db),
    digests: new DigestStore(db, options.env.LITWATCH_SEND_LEASE_MS),
    metrics,
    pollLocks: new PollLocks(redis, prefix),
    notices: new NoticeStore(db),
    rateCounters: new RateCounters(redis, prefix),
    feeds: new FeedStore(db),
    configs: new ConfigStore(db),
    vocabularies,
    ...(options.env.LITWATCH_SECRET ? { tokens: new LinkTokens(options.env.LITWATCH_SECRET) } : {}),
    mail: () => (transport ??= createMailTransport(options.env, options.log)),
    vocabulary: loadVocabularyOnce(options.env.LITWATCH_VOCAB, options.log, vocabularies, options.env.LITWATCH_CONFIG_POLL_MS),
    ncbi: createNcbiHttp(options.env, redis, options.log, { ...options.ncbi, onOutcome }),
    queues,
    log: options.log,
    now: options.now ?? calendarClock(options.env.LITWATCH_CLOCK),
    async close() {
      closing = true;
      transport?.close();
      await closeQueues(queues);
      // quit() rejects with "Connection is closed." when the socket already went: drop it then.
      await redis.quit().catch(() => redis.disconnect());
      await db.close();
    },
  };
}
