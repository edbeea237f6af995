import type { SubscriptionRequest } from '../store/subscriber-store.ts';
import { html } from './html.ts';
import type { Page } from './layout.ts';
import { pageWithToken } from './links.ts';

/** The page the emailed link opens: confirming takes a click, since mail scanners follow links too. */
export function confirmPage(request: SubscriptionRequest, watchNames: readonly string[], token: string): Page {
  return {
    title: 'Confirm your subscription',
    body: html`<h1>Confirm your subscription</h1>
<p>Send a ${request.frequency} digest to <strong>${request.email}</strong> for:</p>
<ul>${watchNames.map((name) => html`<li>${name}</li>`)}</ul>
<form method="post" action="${pageWithToken('confirm', token)}">
<button type="submit">Confirm subscription</button>
</form>
<p>If you did not ask for this, ignore the email: nothing will be sent.</p>`,
  };
}

export function confirmedPage(preferencesUrl: string): Page {
  return {
    title: 'Subscribed',
    body: html`<h1>You are subscribed</h1>
<p>Your first digest comes with the next round. Every digest has links to change your choices or to unsubscribe.</p>
<p><a href="${preferencesUrl}">Choose filters, frequency and time zone</a></p>`,
  };
}
