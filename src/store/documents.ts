import { z } from 'zod';

/**
 * Reading what the database hands back: every row is checked against a schema rather than
 * cast, and every jsonb document is an envelope `{ v, value }` whose version says which shape
 * `value` has (a later migration can rewrite old versions; a reader never guesses).
 */

/** timestamptz (a Date from both drivers) as epoch milliseconds. */
export const ms = z.coerce.date().transform((date) => date.getTime());
export const optionalMs = ms.nullable().transform((value) => value ?? undefined);
/** bigint and numeric arrive as strings from `pg`. */
export const count = z.coerce.number().int();
export const optionalText = z
  .string()
  .nullable()
  .transform((value) => value || undefined);

/**
 * The JSON text of a version-1 document, for a `$n::jsonb` parameter. PostgreSQL's text and
 * jsonb cannot hold U+0000 (a hostile or broken record may carry one): it is dropped.
 */
export function document(value: unknown, v = 1): string {
  // JSON writes U+0000 as the six characters \u0000: only a text holding them needs the slow
  // path (a replacer call per value, several times slower on a 30 kB record).
  const json = JSON.stringify({ v, value });
  if (!json.includes('\\u0000')) return json;
  return JSON.stringify({ v, value }, (_key, item: unknown) => (typeof item === 'string' ? withoutNul(item) : item));
}

/** PostgreSQL's text cannot hold U+0000 ("invalid byte sequence for encoding UTF8: 0x00"). */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '') : text;
}

/** Query parameters as PostgreSQL can take them: strings (and string arrays) without U+0000. */
export function storable(params: readonly unknown[] | undefined): unknown[] | undefined {
  return params?.map((p) =>
    typeof p === 'string' ? withoutNul(p) : Array.isArray(p) ? p.map((x: unknown) => (typeof x === 'string' ? withoutNul(x) : x)) : p,
  );
}

/** A schema for the envelope of a version-1 document holding `value`. */
export function documentOf<T extends z.ZodType>(value: T) {
  return z.object({ v: z.literal(1), value }).transform((doc): z.output<T> => (doc as { value: z.output<T> }).value);
}

/** Rows validated one by one; the error names the table's reader and the field. */
export function parseRows<T extends z.ZodType>(schema: T, rows: readonly Record<string, unknown>[], what: string): z.output<T>[] {
  return rows.map((row) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`unexpected ${what} row in the database: ${issue?.path.join('.') || '(row)'}: ${issue?.message ?? 'invalid'}`);
    }
    return parsed.data;
  });
}

export function parseRow<T extends z.ZodType>(schema: T, row: Record<string, unknown> | undefined, what: string): z.output<T> | undefined {
  return row === undefined ? undefined : parseRows(schema, [row], what)[0];
}
