import express, { type Router } from 'express';
import type { Services } from '../../services.ts';
import type { Subscriber } from '../../store/subscriber-store.ts';
import { html, type SafeHtml } from '../html.ts';
import { dayHtml, scrollingTable, sendAdminPage } from './admin-layout.ts';

/** `/admin/subscribers`: who gets what, how often, and where they came from. Addresses included: this is behind auth. */
export function subscribersRouter(services: Services): Router {
  const router = express.Router();
  router.get('/subscribers', async (_req, res) => {
    const subscribers = await services.subscribers.list();
    const names = new Map(services.config().watches.map((w) => [w.id, w.name]));
    sendAdminPage(res, 'Subscribers', subscribersBody(subscribers, names));
  });
  return router;
}

function subscribersBody(subscribers: Subscriber[], watchNames: ReadonlyMap<string, string>): SafeHtml {
  if (subscribers.length === 0) return html`<p id="no-subscribers">No subscribers yet.</p>`;
  const active = subscribers.filter((s) => s.status === 'active').length;
  return html`<p id="subscriber-totals">${subscribers.length} subscribers, ${active} active.</p>
${scrollingTable(
  'Subscribers',
  html`<table id="subscribers">
<thead><tr><th scope="col">Address</th><th scope="col">Status</th><th scope="col">Origin</th><th scope="col">Watches</th><th scope="col">Frequency</th><th scope="col">Time zone</th><th scope="col">Filters</th><th scope="col">Since</th><th scope="col">Updated</th></tr></thead>
<tbody>${subscribers.map((s) => subscriberRow(s, watchNames))}</tbody>
</table>`,
)}`;
}

function subscriberRow(s: Subscriber, watchNames: ReadonlyMap<string, string>): SafeHtml {
  // A watch removed from the config since is shown by its id, so the row still says what it was.
  const watches = s.watches.map((id) => html`<li data-watch-id="${id}">${watchNames.get(id) ?? id}</li>`);
  const filtered = Object.keys(s.filters).length;
  return html`<tr class="subscriber" id="subscriber-${s.id}" data-subscriber-id="${s.id}" data-status="${s.status}">
<td class="subscriber-email">${s.email}</td>
<td class="subscriber-status${s.status === 'active' ? ' state-ok' : ''}">${s.status}</td>
<td class="subscriber-origin">${s.origin}</td>
<td class="subscriber-watches"><ul>${watches}</ul></td>
<td class="subscriber-frequency">${s.frequency}${s.sendEmpty && html` (also when empty)`}</td>
<td class="subscriber-timezone">${timeZoneHtml(s.timezone)}</td>
<td class="subscriber-filters">${filtered === 0 ? 'none' : `${filtered} ${filtered === 1 ? 'watch' : 'watches'} filtered`}</td>
<td>${dayHtml(s.createdAt, '')}</td>
<td>${dayHtml(s.updatedAt, '')}</td>
</tr>`;
}

/** `America/Argentina/Buenos_Aires` may end a line after a slash: a narrow column, no word cut. */
function timeZoneHtml(zone: string): SafeHtml {
  return html`${zone.split('/').map((part, i) => html`${i > 0 && html`/<wbr>`}${part}`)}`;
}
