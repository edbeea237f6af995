import { FEED_ITEMS } from '../feed-constants.ts';
import { html, type SafeHtml } from '../html.ts';
import { feedPath } from '../links.ts';
import { timeHtml } from './admin-layout.ts';
import { barChart } from './chart.ts';
import { CHART_DAYS, type WatchRow } from './overview-data.ts';

/** One watch on the overview: what it asks, when it runs, how its last poll went, what it finds. */
export function watchSection(row: WatchRow): SafeHtml {
  const { watch, status } = row;
  return html`<section class="watch" id="watch-${watch.id}" data-watch-id="${watch.id}" data-enabled="${String(watch.enabled)}" aria-labelledby="watch-${watch.id}-name">
<h3 id="watch-${watch.id}-name">${watch.name} ${!watch.enabled && html`<span class="badge">disabled</span>`}</h3>
<dl>
<dt>Id</dt><dd><code>${watch.id}</code></dd>
<dt>Query</dt><dd class="watch-query"><code>${watch.query}</code>${status.query !== undefined && status.query !== watch.query && html` <span class="badge">edited since the last poll</span>`}</dd>
<dt>Schedule</dt><dd class="watch-schedule"><code>${watch.schedule}</code> (${watch.timezone})</dd>
<dt>Last poll</dt><dd class="watch-last-poll">${lastPoll(row)}</dd>
<dt>Next poll</dt><dd class="watch-next-poll">${watch.enabled ? timeHtml(row.nextPollAt, 'not scheduled yet (is the scheduler running?)') : 'none: the watch is disabled'}</dd>
<dt>Works</dt><dd class="watch-works" data-count="${row.works}">${row.works}</dd>
<dt>Last find</dt><dd class="watch-last-found">${timeHtml(status.lastFoundAt, 'nothing found yet')}</dd>
<dt>Feeds</dt><dd class="watch-feeds"><a href="/${feedPath(watch.id, 'atom')}">Atom</a> · <a href="/${feedPath(watch.id, 'json')}">JSON Feed</a> (newest ${FEED_ITEMS} works)</dd>
</dl>
<figure class="watch-chart">
${barChart(row.daily, `chart-${watch.id}`, `Works found per day by ${watch.name}, last ${CHART_DAYS} days`)}
<figcaption>Works found per day, last ${CHART_DAYS} days (hover a bar for its day and count)</figcaption>
</figure>
</section>`;
}

function lastPoll({ status }: WatchRow): SafeHtml {
  if (status.lastPollAt === undefined) return html`never`;
  const outcome = status.lastPollOk
    ? html`<span class="state-ok" data-state="ok">ok</span>`
    : html`<span class="state-failed" data-state="failed">failed</span>: <span class="watch-error">${status.lastError ?? 'unknown error'}</span>`;
  return html`${timeHtml(status.lastPollAt, 'never')}, ${outcome}`;
}
