import { checkboxGroup, errorSummary, frequencyChoice, textInput, timezoneChoice } from './form-controls.ts';
import type { FieldErrors } from './form-fields.ts';
import { html, type SafeHtml } from './html.ts';
import type { Page } from './layout.ts';
import { FEED_ITEMS } from './feed-constants.ts';
import { CONFIRM_LINK_HOURS, feedPath, PAGES } from './links.ts';
import { HONEYPOT_FIELD, type SubscribeValues } from './subscribe-form.ts';
import type { WatchChoice } from './watch-choices.ts';

export function subscribePage(watches: readonly WatchChoice[], values: SubscribeValues, errors: FieldErrors = {}): Page {
  const status = Object.keys(errors).length > 0 ? 422 : 200;
  return {
    status,
    title: 'Subscribe',
    head: html`${watches.map((w) => html`<link rel="alternate" type="application/atom+xml" title="${w.name} (Atom)" href="${feedPath(w.id, 'atom')}">`)}`,
    body: html`<h1>Subscribe to new publications</h1>
<p>Get an email digest of the new publications that litwatch finds for the watches you choose.</p>
${errorSummary(errors)}
${watches.length === 0 ? html`<p>No watches are open for subscription right now.</p>` : subscribeForm(watches, values, errors)}
${watches.length > 0 && feedList(watches)}`,
  };
}

/** Every watch is also a feed, for readers who would rather not get email. */
function feedList(watches: readonly WatchChoice[]): SafeHtml {
  return html`<h2>Or follow a feed</h2>
<p>The newest ${FEED_ITEMS} publications of each watch, for any feed reader.</p>
<ul class="feeds">${watches.map((w) => html`<li>${w.name}: <a href="${feedPath(w.id, 'atom')}">Atom feed<span class="hp"> of ${w.name}</span></a> <a href="${feedPath(w.id, 'json')}">JSON Feed<span class="hp"> of ${w.name}</span></a></li>`)}</ul>`;
}

function subscribeForm(watches: readonly WatchChoice[], values: SubscribeValues, errors: FieldErrors): SafeHtml {
  return html`<form method="post" action="${PAGES.subscribe}" novalidate>
${textInput({ name: 'email', label: 'Email address', type: 'email', value: values.email, autocomplete: 'email', errors })}
${checkboxGroup({ name: 'watches', legend: 'Watches', options: watches.map((w) => ({ value: w.id, label: w.name })), checked: values.watches, errors })}
${frequencyChoice(values.frequency, errors)}
${timezoneChoice(values.timezone, errors)}
<div class="hp" aria-hidden="true"><label for="${HONEYPOT_FIELD}">Leave this empty</label><input type="text" id="${HONEYPOT_FIELD}" name="${HONEYPOT_FIELD}" tabindex="-1" autocomplete="off"></div>
<button type="submit">Subscribe</button>
</form>`;
}

/** The same answer for every valid request: it must not tell who is subscribed already. */
export function checkInboxPage(): Page {
  return {
    title: 'Check your inbox',
    body: html`<h1>Check your inbox</h1>
<p>We sent a confirmation link to the address you gave. Nothing is sent to it until you open the link and confirm.</p>
<p>The link works for ${CONFIRM_LINK_HOURS} hours. If nothing arrives, look in your spam folder, or <a href="${PAGES.subscribe}">try again</a>.</p>`,
  };
}
