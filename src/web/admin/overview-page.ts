import express, { type Router } from 'express';
import type { HealthCheck } from '../../health/check-health.ts';
import type { Services } from '../../services.ts';
import type { DigestStatus } from '../../store/digest-store.ts';
import { html, type SafeHtml } from '../html.ts';
import { scrollingTable, sendAdminPage, timeHtml } from './admin-layout.ts';
import { adminLinks } from './admin-paths.ts';
import { loadOverview, type Overview } from './overview-data.ts';
import { JOB_STATES } from './queue-counts.ts';
import { watchSection } from './watch-section.ts';

const DIGEST_STATUSES: readonly DigestStatus[] = ['pending', 'sending', 'sent', 'failed', 'cancelled'];

/** `/admin`: what needs attention first, then every watch, the digests and the queues. */
export function overviewRouter(services: Services): Router {
  const router = express.Router();
  router.get('/', async (_req, res) => {
    const overview = await loadOverview(services);
    sendAdminPage(res, 'litwatch overview', overviewBody(overview));
  });
  return router;
}

function overviewBody(overview: Overview): SafeHtml {
  return html`${healthFlags(overview.failing)}
<p id="totals">Works stored: <strong id="total-works">${overview.totalWorks}</strong> ·
<a href="${adminLinks.cards}">recent cards</a> · <a href="${adminLinks.subscribers}">subscribers</a> · <a href="${adminLinks.queues}">queues in bull-board</a></p>
<h2 id="watches-heading">Watches</h2>
<div id="watches">${overview.watches.length > 0 ? overview.watches.map(watchSection) : html`<p>No watches in config/watches.yaml.</p>`}</div>
${setAsideSection(overview)}
${digestsSection(overview)}
${queuesSection(overview)}
${databaseSection(overview)}`;
}

/**
 * Records a fetch could not read or store (jobs/fetch-batch.ts), with PostgreSQL's reason: the
 * rest of their batch and the poll went on, so this list is the only place they show.
 */
function setAsideSection({ setAside }: Overview): SafeHtml {
  if (setAside.total === 0)
    return html`<section id="set-aside" aria-labelledby="set-aside-heading"><h2 id="set-aside-heading">Set-aside records</h2><p>None: every record fetched was stored.</p></section>`;
  const more = setAside.total - setAside.recent.length;
  return html`<section id="set-aside" aria-labelledby="set-aside-heading">
<h2 id="set-aside-heading">Set-aside records: <span id="set-aside-total">${setAside.total}</span></h2>
${scrollingTable(
  'Set-aside records',
  html`<table id="set-aside-records"><caption>Records that could not be stored, newest first${more > 0 ? html` (${more} more: <code>litwatch set-aside</code>)` : ''}</caption>
<thead><tr><th scope="col">Record</th><th scope="col">Watch</th><th scope="col">Title</th><th scope="col">Reason</th><th scope="col">Times</th><th scope="col">Last</th></tr></thead>
<tbody>${setAside.recent.map(
    (r) =>
      html`<tr class="set-aside" data-source="${r.source}" data-record-id="${r.recordId}"><td><code>${r.source === 'pubmed' ? `PMID ${r.recordId}` : r.recordId}</code></td><td>${r.watchId}</td><td class="words">${r.title}</td><td class="words reason">${r.reason}</td><td>${r.times}</td><td>${timeHtml(r.lastAt, '')}</td></tr>`,
  )}</tbody></table>`,
)}
</section>`;
}

/** How big the database is and what it holds: what to watch for growth (config `retention` bounds it). */
function databaseSection({ database }: Overview): SafeHtml {
  const mb = (database.bytes / 1_048_576).toFixed(1);
  return html`<section id="database" aria-labelledby="database-heading">
<h2 id="database-heading">Database</h2>
<p>${database.kind === 'embedded' ? 'Embedded PostgreSQL (LITWATCH_DB_DIR)' : 'PostgreSQL (DATABASE_URL)'}: <strong id="database-size" data-bytes="${database.bytes}">${mb} MB</strong></p>
${scrollingTable(
  'Rows per table',
  html`<table id="row-counts"><caption>Rows per table</caption>
<thead><tr><th scope="col">Table</th><th scope="col">Rows</th></tr></thead>
<tbody>${Object.entries(database.rows).map(([table, n]) => html`<tr data-table="${table}"><th scope="row"><code>${table}</code></th><td>${n}</td></tr>`)}</tbody></table>`,
)}
</section>`;
}

/** Failing checks first and loud: this is what a PubMed alert never tells you. */
function healthFlags(failing: HealthCheck[]): SafeHtml {
  if (failing.length === 0)
    return html`<section id="health-flags" class="flags all-ok" aria-labelledby="health-heading"><h2 id="health-heading">Health</h2><p>Every check passes.</p></section>`;
  return html`<section id="health-flags" class="flags" aria-labelledby="health-heading">
<h2 id="health-heading">Health: ${failing.length} ${failing.length === 1 ? 'problem' : 'problems'}</h2>
<ul>${failing.map((check) => html`<li class="flag" data-event="${check.event}" data-subject="${check.subject ?? ''}"><strong><code>${check.event}</code>${check.subject && html` ${check.subject}`}</strong>: ${check.detail}</li>`)}</ul>
</section>`;
}

function digestsSection({ digestCounts, unsent, digestsLookedAt }: Overview): SafeHtml {
  const counts = DIGEST_STATUSES.map((status) => html`<li data-status="${status}">${status}: <strong>${digestCounts[status] ?? 0}</strong></li>`);
  return html`<section id="digests" aria-labelledby="digests-heading">
<h2 id="digests-heading">Digests</h2>
<p>Of the ${digestsLookedAt} most recent digests:</p>
<ul class="digest-counts">${counts}</ul>
${
  unsent.length === 0
    ? html`<p>None pending or failed.</p>`
    : scrollingTable(
        'Pending and failed digests',
        html`<table id="unsent-digests"><caption>Pending and failed digests</caption>
<thead><tr><th scope="col">Digest</th><th scope="col">Subscriber</th><th scope="col">Period</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Built</th><th scope="col">Last error</th></tr></thead>
<tbody>${unsent.map(
          (d) =>
            html`<tr class="digest" data-digest-id="${d.id}" data-status="${d.status}"><td><code>${d.id}</code></td><td><a href="${adminLinks.subscriber(d.subscriberId)}"><code>${d.subscriberId}</code></a></td><td class="nowrap">${d.period}</td><td class="nowrap ${d.status === 'failed' ? 'state-failed' : ''}">${d.status}</td><td>${d.attempts}</td><td>${timeHtml(d.createdAt, '')}</td><td class="words">${d.lastError ?? ''}</td></tr>`,
        )}</tbody></table>`,
      )
}
</section>`;
}

function queuesSection({ queues }: Overview): SafeHtml {
  const rows = Object.entries(queues).map(
    ([name, counts]) =>
      html`<tr class="queue" data-queue="${name}"><th scope="row"><a href="${adminLinks.queue(name)}">${name}</a></th>${JOB_STATES.map(
        (state) => html`<td data-state="${state}" class="${state === 'failed' && counts.failed > 0 ? 'state-failed' : ''}">${counts[state]}</td>`,
      )}</tr>`,
  );
  return html`<section id="queues" aria-labelledby="queues-heading">
<h2 id="queues-heading">Queues</h2>
${scrollingTable(
  'Jobs per queue',
  html`<table><caption>Jobs per queue (failed jobs are kept 30 days; retry or inspect them in <a href="${adminLinks.queues}">bull-board</a>)</caption>
<thead><tr><th scope="col">Queue</th>${JOB_STATES.map((state) => html`<th scope="col">${state}</th>`)}</tr></thead>
<tbody>${rows}</tbody></table>`,
)}
</section>`;
}
