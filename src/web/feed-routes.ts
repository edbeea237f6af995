import express, { type Router } from 'express';
import { formatAuthor } from '../card/card-authors.ts';
import { loadCardInput } from '../card/load-card-input.ts';
import { summarise } from '../card/summarise.ts';
import { cardInlineToHtml, cardInlineToText } from '../mail/render-inline.ts';
import type { Services } from '../services.ts';
import { FEED_ITEMS } from './feed-constants.ts';
import { atomFeed, jsonFeed, type FeedItem } from './feed-documents.ts';
import { sendMessage } from './layout.ts';
import { PAGES, workPageUrl } from './links.ts';
import { securityHeaders } from './security-headers.ts';
import { PUBLIC_CACHE } from './work-routes.ts';

/** Authors per entry: a consortium paper's 300 names help no feed reader. */
const FEED_AUTHORS = 10;

const FORMATS = {
  atom: { type: 'application/atom+xml; charset=utf-8', write: atomFeed },
  json: { type: 'application/feed+json; charset=utf-8', write: jsonFeed },
} as const;

/** `/feeds/<watch>.atom` and `/feeds/<watch>.json`, for every enabled watch. */
export function feedRouter(services: Services): Router {
  const router = express.Router();
  router.get('/feeds/:file', securityHeaders, async (req, res) => {
    const file = String(req.params.file);
    const match = /^(.+)\.(atom|json)$/.exec(file);
    const watch = match && services.config().watches.find((w) => w.id === match[1] && w.enabled);
    if (!match || !watch) {
      sendMessage(res, 404, 'No such feed', 'Each watch has a feed at /feeds/<watch>.atom and /feeds/<watch>.json; the subscribe page links them.');
      return;
    }
    const format = FORMATS[match[2] as keyof typeof FORMATS];
    const base = services.env.LITWATCH_PUBLIC_URL;
    const items = await feedItems(services, watch.id);
    const body = format.write(
      {
        feedUrl: `${base}/feeds/${encodeURIComponent(file)}`,
        homeUrl: `${base}/${PAGES.subscribe}`,
        title: `litwatch: ${watch.name}`,
        description: `New publications matching the watch "${watch.name}", newest first.`,
        now: new Date().toISOString(),
      },
      items,
    );
    res.set('Cache-Control', PUBLIC_CACHE).type(format.type).send(body);
  });
  return router;
}

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
      return {
        url: workPageUrl(services.env.LITWATCH_PUBLIC_URL, work.key),
        title: cardInlineToText(article.title),
        titleHtml: cardInlineToHtml(article.title),
        authors: article.authors.slice(0, FEED_AUTHORS).map(formatAuthor).filter(Boolean),
        summary: cardInlineToText(summary),
        updated: new Date(work.updatedAt).toISOString(),
        published: new Date(published.get(work.key) ?? work.firstSeen).toISOString(),
      };
    }),
  );
}
