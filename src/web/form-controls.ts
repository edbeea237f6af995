import { FREQUENCIES } from '../config/watches-schema.ts';
import { DEFAULT_TIMEZONE, TIMEZONES, type FieldErrors } from './form-fields.ts';
import { html, type SafeHtml } from './html.ts';

/**
 * Accessible form controls: every control has a label, a group has a legend, and a field's
 * message is tied to it with aria-describedby and listed at the top of the form with a link.
 */

interface Option {
  value: string;
  label: string;
}

interface Field {
  name: string;
  errors: FieldErrors;
}

/** "There is a problem" with a link to each bad field; nothing when the form is fine. */
export function errorSummary(errors: FieldErrors): SafeHtml | false {
  const entries = Object.entries(errors);
  if (entries.length === 0) return false;
  return html`<div class="summary" role="alert">
<h2>There is a problem</h2>
<ul>${entries.map(([name, message]) => html`<li><a href="#${fieldId(name)}">${message}</a></li>`)}</ul>
</div>`;
}

export function textInput(field: Field & { label: string; value: string; type?: 'text' | 'email'; hint?: string; autocomplete?: string }): SafeHtml {
  const id = fieldId(field.name);
  const hintId = field.hint ? `${id}-hint` : undefined;
  return html`<div class="field">
<label for="${id}">${field.label}</label>
${field.hint && html`<p class="hint" id="${hintId}">${field.hint}</p>`}
${errorText(field)}
<input type="${field.type ?? 'text'}" id="${id}" name="${field.name}" value="${field.value}"${field.autocomplete && html` autocomplete="${field.autocomplete}"`}${describedBy(field, hintId)}>
</div>`;
}

export function checkboxGroup(field: Field & { legend: string; options: readonly Option[]; checked: readonly string[] }): SafeHtml {
  return choiceGroup('checkbox', field, (value) => field.checked.includes(value));
}

export function radioGroup(field: Field & { legend: string; options: readonly Option[]; value: string }): SafeHtml {
  return choiceGroup('radio', field, (value) => value === field.value);
}

export function frequencyChoice(value: string, errors: FieldErrors): SafeHtml {
  const options = FREQUENCIES.map((frequency) => ({ value: frequency, label: frequency === 'daily' ? 'Daily' : 'Weekly' }));
  return radioGroup({ name: 'frequency', legend: 'How often', options, value, errors });
}

/** Empty (nothing chosen yet) shows the default zone. */
export function timezoneChoice(value: string, errors: FieldErrors): SafeHtml {
  return select({ name: 'timezone', label: 'Your time zone (digest times are read in it)', options: TIMEZONES, value: value || DEFAULT_TIMEZONE, errors });
}

function select(field: Field & { label: string; options: readonly string[]; value: string }): SafeHtml {
  const id = fieldId(field.name);
  // A stored value the list does not know (an alias such as Asia/Calcutta) is still shown as chosen.
  const options = field.options.includes(field.value) ? field.options : [field.value, ...field.options];
  return html`<div class="field">
<label for="${id}">${field.label}</label>
${errorText(field)}
<select id="${id}" name="${field.name}"${describedBy(field)}>
${options.map((option) => html`<option${option === field.value && html` selected`}>${option}</option>`)}
</select>
</div>`;
}

export function checkbox(name: string, label: string, checked: boolean): SafeHtml {
  return html`<div class="field"><label><input type="checkbox" name="${name}" value="on"${checked && html` checked`}>${label}</label></div>`;
}

function choiceGroup(
  type: 'checkbox' | 'radio',
  field: Field & { legend: string; options: readonly Option[] },
  isChecked: (value: string) => boolean,
): SafeHtml {
  const id = fieldId(field.name);
  return html`<fieldset id="${id}"${describedBy(field)}>
<legend>${field.legend}</legend>
${errorText(field)}
${field.options.map(
  (option) =>
    html`<label><input type="${type}" name="${field.name}" value="${option.value}"${isChecked(option.value) && html` checked`}>${option.label}</label>`,
)}
</fieldset>`;
}

function errorText(field: Field): SafeHtml | false {
  const message = field.errors[field.name];
  return message !== undefined && html`<p class="error" id="${fieldId(field.name)}-error">${message}</p>`;
}

function describedBy(field: Field, hintId?: string): SafeHtml {
  const errorId = field.errors[field.name] !== undefined ? `${fieldId(field.name)}-error` : undefined;
  const ids = [hintId, errorId].filter((id) => id !== undefined);
  return html`${ids.length > 0 && html` aria-describedby="${ids.join(' ')}"`}${errorId && html` aria-invalid="true"`}`;
}

function fieldId(name: string): string {
  return `field-${name}`;
}
