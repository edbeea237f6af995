import type { Subscriber } from '../store/subscriber-store.ts';
import { checkbox, checkboxGroup, errorSummary, frequencyChoice, radioGroup, textInput, timezoneChoice } from './form-controls.ts';
import type { FieldErrors } from './form-fields.ts';
import { html, type SafeHtml } from './html.ts';
import type { Page } from './layout.ts';
import { pageWithToken } from './links.ts';
import { filterField, type PreferencesValues } from './preferences-form.ts';
import type { WatchChoice } from './watch-choices.ts';

export interface PreferencesView {
  subscriber: Subscriber;
  watches: readonly WatchChoice[];
  values: PreferencesValues;
  errors?: FieldErrors;
  /** Shown after a successful save. */
  saved?: boolean;
  token: string;
  unsubscribeUrl: string;
}

const STATUS_OPTIONS = [
  { value: 'active', label: 'Send my digests' },
  { value: 'paused', label: 'Pause my digests for now' },
];

/** Offered only to someone already unsubscribed, so saving other changes does not resubscribe them. */
const STAY_UNSUBSCRIBED = { value: 'unsubscribed', label: 'Stay unsubscribed' };

export function preferencesPage(view: PreferencesView): Page {
  const errors = view.errors ?? {};
  return {
    status: Object.keys(errors).length > 0 ? 422 : 200,
    title: 'Your preferences',
    body: html`<h1>Your preferences</h1>
<p>Digests for <strong>${view.subscriber.email}</strong>.</p>
${view.saved && html`<p class="notice" role="status">Your preferences are saved.</p>`}
${view.subscriber.status === 'bouncing' && html`<p class="notice">Your mail server refused our digests several times in a row, so none are sent now. To get them again, choose “Send my digests” and save.</p>`}
${view.subscriber.status === 'unsubscribed' && html`<p class="notice">You are unsubscribed, so nothing is sent. To subscribe again, choose “Send my digests” and save.</p>`}
${errorSummary(errors)}
<form method="post" action="${pageWithToken('preferences', view.token)}" novalidate>
${checkboxGroup({ name: 'watches', legend: 'Watches', options: view.watches.map(watchOption), checked: view.values.watches, errors })}
${frequencyChoice(view.values.frequency, errors)}
${timezoneChoice(view.values.timezone, errors)}
${radioGroup({ name: 'status', legend: 'Digests', options: statusOptions(view.subscriber), value: view.values.status, errors })}
${checkbox('sendEmpty', 'Send me an email even when there is nothing new', view.values.sendEmpty)}
${filterSection(view.watches, view.values, errors)}
<button type="submit">Save preferences</button>
</form>
<p><a href="${view.unsubscribeUrl}">Unsubscribe from all digests</a></p>`,
  };
}

function watchOption(watch: WatchChoice) {
  return { value: watch.id, label: watch.disabled ? `${watch.name} (paused by the administrator)` : watch.name };
}

function statusOptions(subscriber: Subscriber) {
  return subscriber.status === 'unsubscribed' ? [...STATUS_OPTIONS, STAY_UNSUBSCRIBED] : STATUS_OPTIONS;
}

function filterSection(watches: readonly WatchChoice[], values: PreferencesValues, errors: FieldErrors): SafeHtml {
  return html`<h2>Filters</h2>
<p>A filter narrows one watch by what its publications are about. Write ids separated by commas:
MeSH ids for diseases and chemicals, such as <code>MESH:D011471</code> (prostatic neoplasms),
or NCBI Taxonomy numbers for species, such as <code>10090</code> (mouse) or <code>9606</code> (human).
Look ids up at <a href="https://meshb.nlm.nih.gov/">meshb.nlm.nih.gov</a> and <a href="https://www.ncbi.nlm.nih.gov/taxonomy">ncbi.nlm.nih.gov/taxonomy</a>.</p>
<p><strong>Only</strong> keeps publications that mention at least one of the ids.
<strong>Leave out</strong> drops a publication when everything it mentions of one kind is in the list:
<code>10090</code> leaves out mouse-only studies but keeps those on mice and patients.
Publications whose topics are not known yet are always sent.</p>
${watches.map(
  (watch) => html`<fieldset>
<legend>${watch.name}</legend>
${textInput({ name: filterField('include', watch.id), label: 'Only publications about', hint: 'For example: MESH:D011471, 9606', value: values.include[watch.id] ?? '', errors })}
${textInput({ name: filterField('exclude', watch.id), label: 'Leave out publications only about', hint: 'For example: 10090', value: values.exclude[watch.id] ?? '', errors })}
</fieldset>`,
)}`;
}
