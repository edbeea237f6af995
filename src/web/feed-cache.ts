import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import type { Watch } from '../config/load-config.ts';
import type { Logger } from '../log.ts';
import type { CachedFeed, FeedStore } from '../store/feed-store.ts';

export const FEED_FORMATS = ['atom', 'json'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];

/**
 * Bump when the documents' layout changes (a field added), so feeds an older litwatch cached
 * are built again rather than served until the next poll. 2: DOI, journal, date and links.
 */
const FEED_LAYOUT = 2;

const gzip = promisify(gzipCallback);

/**
 * A feed as served: its bytes encoded once, plain and gzipped (every feed reader asks for gzip,
 * and a long feed shrinks about tenfold), each with its own strong ETag, since they are two
 * representations (RFC 9110 8.8.3). Encoding a 300 KB string and its garbage on every answer
 * was most of what a flood of requests cost.
 */
export interface ServedFeed {
  lastModified: number;
  plain: { etag: string; bytes: Buffer };
  gzip: { etag: string; bytes: Buffer };
}

export interface FeedCacheDeps {
  store: Pick<FeedStore, 'fingerprint' | 'get' | 'save'>;
  /** Every format of a watch's feed, built from the works. */
  build(watch: Watch): Promise<Record<FeedFormat, string>>;
  /** Whatever else the documents are built from (the public URL): part of each version. */
  context: string;
  /** Works per feed. */
  limit: number;
  /**
   * How long a fingerprint answers for this process before the database is asked again: under a
   * flood the query would otherwise run back to back, a PostgreSQL backend busy for nothing.
   * A feed may then be this much staler than the works (Cache-Control lets caches keep it 300 s).
   * @defaultValue 0 (every request asks)
   */
  recheckMs?: number;
  log: Logger;
}

/**
 * A watch's feeds, built once per version and served from there. The version is a digest of
 * what the feed shows (FeedStore.fingerprint: one small query, at most once per `recheckMs`), so a poll that adds
 * a work, an edited record or a new summary makes the next request build it again, and nothing
 * else does. Built feeds live in PostgreSQL (feed_cache), shared by every web process and kept
 * across restarts; this process also keeps the last version of each watch in memory, so serving
 * it reads no body from the database.
 *
 * Concurrent requests share one fingerprint query and one build (single-flight: the promise
 * in progress is handed to every caller). Two processes may each build a new version once;
 * the first to store it wins and both serve its bytes.
 */
export class FeedCache {
  private readonly latest = new Map<string, { version: string; feeds: ReadonlyMap<string, ServedFeed> }>();
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly fingerprints = new Map<string, { askedAt: number; answer: Promise<{ digest: string; works: number }> }>();

  constructor(private readonly deps: FeedCacheDeps) {}

  async get(watch: Watch, format: FeedFormat): Promise<ServedFeed> {
    const fingerprint = await this.fingerprint(watch.id);
    const version = digest(JSON.stringify([FEED_LAYOUT, this.deps.context, watch.name, fingerprint.digest]));
    let entry = this.latest.get(watch.id);
    if (entry?.version !== version) entry = await this.once(`load\n${watch.id}\n${version}`, () => this.load(watch, version, fingerprint.works));
    const feed = entry.feeds.get(format);
    if (!feed) throw new Error(`feed cache of watch ${watch.id} has no ${format} document for version ${version}`);
    return feed;
  }

  /** The watch's fingerprint: the one asked less than `recheckMs` ago, the one being asked, or a new one. */
  private fingerprint(watchId: string): Promise<{ digest: string; works: number }> {
    const now = Date.now();
    const known = this.fingerprints.get(watchId);
    if (known && now - known.askedAt < (this.deps.recheckMs ?? 0)) return known.answer;
    const answer = this.once(`fingerprint\n${watchId}`, () => this.deps.store.fingerprint(watchId, this.deps.limit));
    this.fingerprints.set(watchId, { askedAt: now, answer });
    // A failed query is not remembered: the next request asks again.
    answer.catch(() => this.fingerprints.get(watchId)?.answer === answer && this.fingerprints.delete(watchId));
    return answer;
  }

  /** The stored version when another process (or an earlier run) built it, else a build. */
  private async load(watch: Watch, version: string, works: number): Promise<{ version: string; feeds: ReadonlyMap<string, ServedFeed> }> {
    let feeds = await this.deps.store.get(watch.id, version);
    if (feeds.length < FEED_FORMATS.length) feeds = await this.build(watch, version, works);
    const entry = { version, feeds: new Map(await Promise.all(feeds.map(async (feed) => [feed.format, await served(feed)] as const))) };
    this.latest.set(watch.id, entry);
    return entry;
  }

  private async build(watch: Watch, version: string, works: number): Promise<CachedFeed[]> {
    const started = performance.now();
    const bodies = await this.deps.build(watch);
    const built = FEED_FORMATS.map((format) => ({ format, body: bodies[format], etag: strongEtag(bodies[format]) }));
    const now = Date.now();
    const saved = await this.deps.store.save(watch.id, version, built, now);
    this.deps.log.info(
      {
        event: 'feed.built',
        watchId: watch.id,
        version,
        works,
        bytes: built.map((feed) => Buffer.byteLength(feed.body)),
        durationMs: Math.round(performance.now() - started),
      },
      `feed of watch ${watch.id} built (${works} works)`,
    );
    // A newer version stored meanwhile by another process replaced ours: serve what we built.
    return saved.length === built.length ? saved : built.map((feed) => ({ ...feed, lastModified: Math.floor(now / 1000) * 1000 }));
  }

  private once<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.running.get(key);
    if (running) return running as Promise<T>;
    const started = work().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }
}

async function served(feed: CachedFeed): Promise<ServedFeed> {
  const plain = Buffer.from(feed.body);
  const gzipped = await gzip(plain);
  return { lastModified: feed.lastModified, plain: { etag: feed.etag, bytes: plain }, gzip: { etag: strongEtag(gzipped), bytes: gzipped } };
}

/**
 * A strong ETag (RFC 9110 8.8.3): the digest of the exact bytes, which never change for a
 * version. The gzipped bytes are hashed as they are: another zlib may gzip differently.
 */
function strongEtag(body: string | Buffer): string {
  return `"${digest(body).slice(0, 32)}"`;
}

function digest(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('base64url');
}
