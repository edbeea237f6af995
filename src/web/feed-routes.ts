import type { IncomingHttpHeaders } from 'node:http';
import express, { type Router } from 'express';
import { formatAuthor } from '../card/card-authors.ts';
import { articleDate } from '../card/card-date.ts';
import { doiUrl, pmcArticleUrl, pubmedUrl } from '../card/card-links.ts';
import { loadCardInput } from '../card/load-card-input.ts';
import { summarise } from '../card/summarise.ts';
import type { Watch } from '../config/load-config.ts';
import { cardInlineToHtml, cardInlineToText } from '../mail/render-inline.ts';
import type { Services } from '../services.ts';
import { addressKey } from './client-network.ts';
import { FEED_ITEMS } from './feed-constants.ts';
import { FeedCache, type FeedFormat } from './feed-cache.ts';
import { atomFeed, jsonFeed, type FeedItem } from './feed-documents.ts';
import { sendMessage } from './layout.ts';
import { feedPath, PAGES, workPageUrl } from './links.ts';
import { securityHeaders } from './security-headers.ts';
import { PUBLIC_CACHE } from './work-routes.ts';

/** Authors per entry: a consortium paper's 300 names help no feed reader. */
const FEED_AUTHORS = 10;

const FORMATS = {
  atom: { type: 'application/atom+xml; charset=utf-8', write: atomFeed },
  json: { type: 'application/feed+json; charset=utf-8', write: jsonFeed },
} as const;

export interface FeedOptions {
  /** Feed requests one client address may make per window. @defaultValue 60 */
  requests: number;
  /** @defaultValue 60000 */
  windowMs: number;
  /** How long this process trusts a feed's version before asking the database again (feed-cache.ts). @defaultValue 1000 */
  recheckMs: number;
}

/**
 * A feed reader asks every 15 minutes to a few hours, and a feed changes at most once per poll:
 * a request a second on average, with room for a lab's readers behind one NAT, and not the
 * hundreds a second a script can send.
 */
export const DEFAULT_FEED_OPTIONS: FeedOptions = { requests: 60, windowMs: 60_000, recheckMs: 1000 };

/**
 * `/feeds/<watch>.atom` and `/feeds/<watch>.json`, for every enabled watch: built once per
 * change (feed-cache.ts), answered 304 to a client that already has the current one, and
 * limited per client address.
 */
export function feedRouter(services: Services, options: Partial<FeedOptions> = {}): Router {
  const settings = { ...DEFAULT_FEED_OPTIONS, ...options };
  const base = services.env.LITWATCH_PUBLIC_URL;
  const cache = new FeedCache({
    store: services.feeds,
    build: (watch) => buildFeeds(services, watch),
    context: base,
    limit: FEED_ITEMS,
    recheckMs: settings.recheckMs,
    log: services.log.child({ component: 'feeds' }),
  });
  const router = express.Router();
  router.get('/feeds/:file', securityHeaders, async (req, res) => {
    // Counted in Redis like the sign-up limits (RateCounters): one count for all web processes.
    const taken = await services.rateCounters.count('feed-client', addressKey(req.ip ?? 'unknown'), settings.windowMs);
    if (taken.count > settings.requests) {
      res.set('Retry-After', String(Math.max(1, Math.ceil(taken.resetInMs / 1000))));
      sendMessage(res, 429, 'Too many requests', 'This address asked for feeds too often. A feed changes at most once per poll: ask again later.');
      return;
    }
    const match = /^(.+)\.(atom|json)$/.exec(String(req.params.file));
    const watch = match && services.config().watches.find((w) => w.id === match[1] && w.enabled);
    if (!match || !watch) {
      sendMessage(res, 404, 'No such feed', 'Each watch has a feed at /feeds/<watch>.atom and /feeds/<watch>.json; the subscribe page links them.');
      return;
    }
    const format = match[2] as FeedFormat;
    const feed = await cache.get(watch, format);
    // Express's negotiator reads Accept-Encoding (q-values, identity;q=0); a reader that cannot
    // take gzip gets the plain bytes.
    const encoding = req.acceptsEncodings('gzip', 'identity') === 'gzip' ? 'gzip' : 'identity';
    const chosen = encoding === 'gzip' ? feed.gzip : feed.plain;
    res.set({
      'Cache-Control': PUBLIC_CACHE,
      Vary: 'Accept-Encoding',
      ETag: chosen.etag,
      'Last-Modified': new Date(feed.lastModified).toUTCString(),
    });
    if (notModified(req.headers, chosen.etag, feed.lastModified)) {
      res.status(304).end();
      return;
    }
    if (encoding === 'gzip') res.set('Content-Encoding', 'gzip');
    res.type(FORMATS[format].type).send(chosen.bytes);
  });
  return router;
}

async function buildFeeds(services: Services, watch: Watch): Promise<Record<FeedFormat, string>> {
  const base = services.env.LITWATCH_PUBLIC_URL;
  const items = await feedItems(services, watch.id);
  const meta = (format: FeedFormat) => ({
    feedUrl: `${base}/${feedPath(watch.id, format)}`,
    homeUrl: `${base}/${PAGES.subscribe}`,
    title: `litwatch: ${watch.name}`,
    description: `New publications matching the watch "${watch.name}", newest first.`,
    now: new Date().toISOString(),
  });
  return { atom: atomFeed(meta('atom'), items), json: jsonFeed(meta('json'), items) };
}

/** What FeedStore.fingerprint covers, and nothing more: the works, their PMCID and their model summary. */
async function feedItems(services: Services, watchId: string): Promise<FeedItem[]> {
  const summaries = await services.works.list({ watchId, limit: FEED_ITEMS });
  const works = await services.works.getMany(summaries.map((s) => s.key));
  const published = new Map(summaries.map((s) => [s.key, s.firstSeen]));
  return Promise.all(
    works.map(async (work) => {
      const card = await loadCardInput(work, services.enrichment, services.config(), services.notices);
      // The card's article is cut to what may be shown (src/card/bounded-card.ts); work.article is the whole record.
      const { article } = card;
      const summary = (card.summary ?? summarise(article)).tldr ?? article.abstract[0]?.text ?? '';
      const date = articleDate(article);
      return {
        url: workPageUrl(services.env.LITWATCH_PUBLIC_URL, work.key),
        title: cardInlineToText(article.title),
        titleHtml: cardInlineToHtml(article.title),
        authors: article.authors.slice(0, FEED_AUTHORS).map(formatAuthor).filter(Boolean),
        summary: cardInlineToText(summary),
        updated: new Date(work.updatedAt).toISOString(),
        published: new Date(published.get(work.key) ?? work.firstSeen).toISOString(),
        ...(article.doi ? { doi: article.doi, doiUrl: doiUrl(article.doi) } : {}),
        ...(article.pmid ? { pmid: article.pmid, pubmedUrl: pubmedUrl(article.pmid) } : {}),
        ...(article.pmcid ? { pmcid: article.pmcid, pmcUrl: pmcArticleUrl(article.pmcid) } : {}),
        ...(article.journal.title ? { journal: article.journal.title } : {}),
        ...(date ? { publicationDate: date } : {}),
      };
    }),
  );
}

/**
 * RFC 9110 13.2.2 for a GET: If-None-Match decides when sent (weak comparison, `*` matches),
 * else If-Modified-Since. Not Express's `req.fresh` (the `fresh` package): it answers in full
 * whenever the request says `Cache-Control: no-cache`, and fetch() adds that to every request
 * carrying If-None-Match (Fetch standard, HTTP-network-or-cache fetch), so readers built on it
 * would never get a 304. The directive is for caches on the way; the origin is asked anyway.
 */
function notModified(headers: IncomingHttpHeaders, etag: string, lastModified: number): boolean {
  const noneMatch = headers['if-none-match'];
  if (noneMatch !== undefined) {
    if (noneMatch.trim() === '*') return true;
    const opaque = (tag: string) => tag.replace(/^W\//, '');
    return (noneMatch.match(/(?:W\/)?"[^"]*"/g) ?? []).some((tag) => opaque(tag) === opaque(etag));
  }
  const since = Date.parse(headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && lastModified <= since;
}
