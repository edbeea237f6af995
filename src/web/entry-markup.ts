import type { DigestEntryView } from '../digest/entry-view.ts';
import type { DigestGroup } from '../mail/render-types.ts';
import { inline } from './card-markup.ts';
import { html, type SafeHtml } from './html.ts';

/** Digest entries as a page lists them (the "read all" page): the same lines as the email's. */
export function entryGroupsMarkup(groups: readonly DigestGroup[]): SafeHtml {
  return html`${groups.map(
    (group) => html`<section>
<h2>${group.watchName}</h2>
${group.sections.map(
  (section) => html`${section.disease && html`<h3>${section.disease}</h3>`}
<ul class="entries">${section.entries.map(entryMarkup)}</ul>`,
)}
</section>`,
  )}`;
}

export function entryMarkup(entry: DigestEntryView): SafeHtml {
  return html`<li class="entry">
<p class="entry-title"><a href="${entry.url}">${inline(entry.title)}</a></p>
${entry.badges.length > 0 && html`<p>${entry.badges.map((badge) => html`<span class="badge">${badge}</span> `)}</p>`}
${entry.authors && html`<p class="meta">${inline(entry.authors)}</p>`}
<p class="meta">${inline(entry.meta)}</p>
${entry.tldr && html`<p>${inline(entry.tldr)}</p>`}
${entry.chips.length > 0 && html`<p>${entry.chips.map((chip) => html`<span class="chip">${inline(chip)}</span>`)}</p>`}
<p class="meta">${entry.openAccess ? 'Open access' : 'Not open access'} · Matched: ${inline(entry.watch)}</p>
</li>`;
}
