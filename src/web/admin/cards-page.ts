import express, { type Router } from 'express';
import { loadCardInput } from '../../card/load-card-input.ts';
import { cardHtml } from '../../mail/card-html.ts';
import type { Services } from '../../services.ts';
import type { StoredWork } from '../../store/work-store.ts';
import { html, SafeHtml } from '../html.ts';
import { cardsPolicy } from './admin-headers.ts';
import { sendAdminPage, timeHtml } from './admin-layout.ts';
import { adminLinks } from './admin-paths.ts';

const RECENT_CARDS = 30;
/** Search queries longer than this are cut: a search box, not a place for essays. */
const MAX_QUERY = 200;

/**
 * `/admin/cards`: the newest works as readers will see them, `/admin/cards?q=…` the stored works
 * a full-text search finds (title, abstract, authors, journal, MeSH terms, entity names),
 * newest first, and `/admin/cards/<key>` for one.
 * The key route takes the rest of the path, so a DOI's `/` works encoded (`%2F`, as the links
 * write it) or typed as it is.
 */
export function cardsRouter(services: Services): Router {
  const router = express.Router();
  router.get('/cards', cardsPolicy, async (req, res) => {
    const query = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, MAX_QUERY) : '';
    const summaries = query ? await services.works.search(query, { limit: RECENT_CARDS }) : await services.works.list({ limit: RECENT_CARDS });
    const works = await services.works.getMany(summaries.map((w) => w.key));
    const cards = await Promise.all(works.map((work) => cardEntry(services, work)));
    const form = html`<form id="card-search" method="get" action="${adminLinks.cards}" role="search"><label>Search stored works <input type="search" name="q" value="${query}" maxlength="${MAX_QUERY}"></label> <button type="submit">Search</button></form>`;
    const intro = query
      ? html`<p id="search-summary">${cards.length === RECENT_CARDS ? `The ${cards.length} newest` : String(cards.length)} work${cards.length === 1 ? '' : 's'} matching “${query}”, newest first.</p>`
      : html`<p>The ${cards.length} most recently stored works, newest first.</p>`;
    const body =
      cards.length > 0
        ? html`${form}${intro}<div id="cards">${cards}</div>`
        : query
          ? html`${form}<p id="no-cards">No stored work matches “${query}”.</p>`
          : html`${form}<p id="no-cards">No works stored yet.</p>`;
    sendAdminPage(res, query ? `Cards matching “${query}”` : 'Recent cards', body);
  });
  router.get('/cards/*key', cardsPolicy, async (req, res) => {
    const key = [req.params.key ?? []].flat().join('/');
    const work = await services.works.get(key);
    if (!work) {
      sendAdminPage(
        res,
        'No such work',
        html`<p>No work is stored under the key <code>${key}</code>. <a href="${adminLinks.cards}">Recent cards</a>.</p>`,
        404,
      );
      return;
    }
    sendAdminPage(res, work.title || work.key, await cardEntry(services, work));
  });
  return router;
}

async function cardEntry(services: Services, work: StoredWork): Promise<SafeHtml> {
  const input = await loadCardInput(work, services.enrichment, services.config(), services.notices);
  // cardHtml is the email template's output, escaped by Handlebars: it goes in as it is.
  const card = new SafeHtml(cardHtml(input));
  return html`<article class="card-entry" data-work-key="${work.key}">
<p class="card-entry-meta"><a class="card-permalink" href="${adminLinks.card(work.key)}">Key <code>${work.key}</code></a> · first seen ${timeHtml(work.firstSeen, 'unknown')} · found in ${work.sources.join(', ') || 'unknown'}</p>
${card}
</article>`;
}
