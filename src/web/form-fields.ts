import * as z from 'zod';
import { isTimeZone } from '../config/schedule-checks.ts';
import { FREQUENCIES } from '../config/watches-schema.ts';

/** A posted form as the urlencoded parser leaves it: a name sent twice (checkboxes) is a list. */
export type FormBody = Readonly<Record<string, unknown>>;

/** Field name -> the message shown beside it. */
export type FieldErrors = Readonly<Record<string, string>>;

/** `req.body`, which is undefined when the request had no urlencoded body. */
export function formBody(body: unknown): FormBody {
  return typeof body === 'object' && body !== null ? (body as FormBody) : {};
}

/** One text field; the first value if the name came more than once. */
export function textField(body: FormBody, name: string): string {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/** Every value of a field that may repeat (checkboxes). */
export function listField(body: FormBody, name: string): string[] {
  const value = body[name];
  const values = Array.isArray(value) ? value : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

/**
 * The first message per form field. Issue paths name fields with strings and list items
 * with numbers, so `['include', 'bone', 0]` belongs to the field `include:bone`.
 */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.filter((part) => typeof part === 'string').join(':');
    errors[field] ??= issue.message;
  }
  return errors;
}

export const DEFAULT_TIMEZONE = 'UTC';

/** Every zone this Node.js knows, for the select; UTC first, as the default. */
export const TIMEZONES: readonly string[] = [DEFAULT_TIMEZONE, ...Intl.supportedValuesOf('timeZone')];

export const timezoneSchema = z
  .string()
  .trim()
  .transform((zone) => zone || DEFAULT_TIMEZONE)
  .refine(isTimeZone, { error: 'Choose a time zone from the list (an IANA name such as Europe/Paris).' });

export const frequencySchema = z.enum(FREQUENCIES, { error: 'Choose daily or weekly.' });

/** At least one watch, each one of `offered` (ids from the form are only trusted against it). */
export function watchIdsSchema(offered: readonly string[], noneMessage: string) {
  return z
    .array(z.string().refine((id) => offered.includes(id), { error: 'Choose watches from the list.' }))
    .min(1, { error: noneMessage })
    .transform((ids) => [...new Set(ids)]);
}
