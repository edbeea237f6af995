import * as z from 'zod';
import { fieldErrors, formBody, frequencySchema, listField, textField, timezoneSchema, watchIdsSchema, type FieldErrors } from './form-fields.ts';

/** The subscribe form as typed, to show again beside the messages. */
export interface SubscribeValues {
  email: string;
  watches: string[];
  frequency: string;
  timezone: string;
}

export type SubscribeInput = z.output<ReturnType<typeof subscribeSchema>>;

/** Bots fill every field; people never see this one (hidden by CSS and from screen readers). */
export const HONEYPOT_FIELD = 'website';

export const EMPTY_SUBSCRIBE: SubscribeValues = { email: '', watches: [], frequency: 'daily', timezone: '' };

export function subscribeValues(body: unknown): SubscribeValues {
  const form = formBody(body);
  return {
    email: textField(form, 'email'),
    watches: listField(form, 'watches'),
    frequency: textField(form, 'frequency'),
    timezone: textField(form, 'timezone'),
  };
}

export function isHoneypotFilled(body: unknown): boolean {
  return textField(formBody(body), HONEYPOT_FIELD) !== '';
}

export function parseSubscribe(values: SubscribeValues, offered: readonly string[]): { ok: true; input: SubscribeInput } | { ok: false; errors: FieldErrors } {
  const result = subscribeSchema(offered).safeParse(values);
  return result.success ? { ok: true, input: result.data } : { ok: false, errors: fieldErrors(result.error) };
}

function subscribeSchema(offered: readonly string[]) {
  return z.object({
    email: z
      .string()
      .trim()
      // 254: the longest address SMTP can carry (RFC 5321 path limit).
      .max(254, { error: 'That address is too long.' })
      .pipe(z.email({ error: 'Enter an email address such as name@example.org.' })),
    watches: watchIdsSchema(offered, 'Choose at least one watch.'),
    frequency: frequencySchema,
    timezone: timezoneSchema,
  });
}
