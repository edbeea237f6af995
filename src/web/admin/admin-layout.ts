import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { html, SafeHtml } from '../html.ts';
import { sendPage } from '../layout.ts';
import { adminLinks } from './admin-paths.ts';

/**
 * What the admin pages add to the public pages' design: a wider column, tables, the watch boxes
 * and the health flags. Inline like the public stylesheet, and allowed by its hash (admin-headers.ts).
 */
const ADMIN_STYLESHEET = `
main{max-width:80rem}
.admin-nav{display:flex;flex-wrap:wrap;gap:1rem;padding:.5rem 0;border-bottom:1px solid #c8c8c8}
table{border-collapse:collapse;width:100%;font-size:.9rem;overflow-wrap:normal}
th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #e0e0e0}
th{white-space:nowrap}
caption{text-align:left;padding:0 .5rem .3rem}
td code{white-space:nowrap}
td.words{min-width:14rem}
td time,.nowrap,.subscriber-status,.subscriber-watches{white-space:nowrap}
td ul{margin:0;padding-left:1rem}
.table-scroll{overflow-x:auto;margin:0 0 1rem}
.table-scroll:focus-visible{outline:3px solid #b45309}
code{font-size:.85rem;overflow-wrap:anywhere}
table code{overflow-wrap:normal}
.flags{margin:1rem 0 1.5rem;padding:.5rem 1rem;border:3px solid #b00020;background:#fff5f5}
.flags.all-ok{border-color:#15803d;background:#f0fdf4}
.watch{margin:0 0 1rem;padding:.5rem 1rem;border:1px solid #c8c8c8;border-radius:4px}
.watch[data-enabled=false]{background:#f4f4f4}
.watch dl{display:grid;grid-template-columns:8rem 1fr;gap:.25rem 1rem;margin:.5rem 0}
.watch dt{font-weight:600}
@media (max-width:30rem){.watch dl{grid-template-columns:1fr;gap:0}.watch dd{margin:0 0 .5rem}}
.watch dd{margin:0}
.state-failed{color:#b00020;font-weight:600}
.state-ok{color:#15803d;font-weight:600}
.badge{padding:0 .4rem;font-size:.8rem;border:1px solid currentColor;border-radius:3px}
.watch-chart{margin:.5rem 0}
.watch-chart figcaption{color:#4b4b4b;font-size:.8rem}
.chart{display:block;max-width:100%;height:auto}
.card-entry{margin:0 0 2rem}
`;

export const ADMIN_STYLE_SOURCE = `'sha256-${createHash('sha256').update(ADMIN_STYLESHEET).digest('base64')}'`;

/**
 * An admin page in the shared layout. The layout has no slot for a second stylesheet, so this
 * one sits at the top of the body, where every browser applies it.
 */
export function sendAdminPage(res: Response, title: string, body: SafeHtml, status = 200): void {
  sendPage(res, {
    status,
    title: `${title} · admin`,
    body: html`<style>${new SafeHtml(ADMIN_STYLESHEET)}</style>
<nav class="admin-nav" id="admin-nav" aria-label="Admin">
<a href="${adminLinks.overview}">Overview</a>
<a href="${adminLinks.queues}">Queues (bull-board)</a>
<a href="${adminLinks.subscribers}">Subscribers</a>
<a href="${adminLinks.cards}">Recent cards</a>
</nav>
<h1>${title}</h1>
${body}`,
  });
}

/**
 * A table in a box of its own that scrolls sideways when the screen is narrower than the table.
 * The pages' text may break anywhere (a long DOI on a phone), but in a table that lets the
 * browser squeeze columns until headers read "Statu s"; so tables keep their words whole and
 * scroll instead. Focusable and labelled, so a keyboard can scroll it too (axe: scrollable-region-focusable).
 */
export function scrollingTable(label: string, table: SafeHtml): SafeHtml {
  return html`<div class="table-scroll" role="region" aria-label="${label}" tabindex="0">${table}</div>`;
}

/** The day of a moment, `2026-11-27`, with the full time on hover: for table columns where the day is what matters. */
export function dayHtml(ms: number | undefined, fallback: string): SafeHtml {
  if (ms === undefined || !Number.isFinite(ms)) return html`${fallback}`;
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}" title="${iso.slice(0, 16).replace('T', ' ')} UTC">${iso.slice(0, 10)}</time>`;
}

/** A moment as `2026-11-27 08:00 UTC`, machine-readable in `datetime`; `fallback` when there is none. */
export function timeHtml(ms: number | undefined, fallback: string): SafeHtml {
  if (ms === undefined || !Number.isFinite(ms)) return html`${fallback}`;
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}
