import * as z from 'zod';
import type { Subscriber, WatchFilter } from '../store/subscriber-store.ts';
import { fieldErrors, formBody, frequencySchema, listField, textField, timezoneSchema, watchIdsSchema, type FieldErrors } from './form-fields.ts';

export type FilterKind = 'include' | 'exclude';

/** The preferences form as typed (filters as the comma-separated text of each box). */
export interface PreferencesValues {
  watches: string[];
  frequency: string;
  timezone: string;
  status: string;
  sendEmpty: boolean;
  /** Watch id -> the text of its filter box. */
  include: Record<string, string>;
  exclude: Record<string, string>;
}

export type PreferencesPatch = Pick<Subscriber, 'watches' | 'frequency' | 'timezone' | 'status' | 'sendEmpty' | 'filters'>;

/** `include:bone-metastasis`; watch ids never contain `:` (see watches-schema.ts). */
export function filterField(kind: FilterKind, watchId: string): string {
  return `${kind}:${watchId}`;
}

export function subscriberValues(subscriber: Subscriber): PreferencesValues {
  const filterText = (kind: FilterKind) =>
    Object.fromEntries(Object.entries(subscriber.filters).map(([watchId, filter]) => [watchId, (filter[kind] ?? []).join(', ')]));
  return {
    watches: [...subscriber.watches],
    frequency: subscriber.frequency,
    timezone: subscriber.timezone,
    status: subscriber.status,
    sendEmpty: subscriber.sendEmpty,
    include: filterText('include'),
    exclude: filterText('exclude'),
  };
}

/** Reads the posted form; filter boxes are read for the offered watches only. */
export function preferencesValues(body: unknown, offered: readonly string[]): PreferencesValues {
  const form = formBody(body);
  const filterText = (kind: FilterKind) => Object.fromEntries(offered.map((watchId) => [watchId, textField(form, filterField(kind, watchId))]));
  return {
    watches: listField(form, 'watches'),
    frequency: textField(form, 'frequency'),
    timezone: textField(form, 'timezone'),
    status: textField(form, 'status'),
    sendEmpty: textField(form, 'sendEmpty') === 'on',
    include: filterText('include'),
    exclude: filterText('exclude'),
  };
}

export function parsePreferences(
  values: PreferencesValues,
  offered: readonly string[],
): { ok: true; patch: PreferencesPatch } | { ok: false; errors: FieldErrors } {
  const result = preferencesSchema(offered).safeParse(values);
  return result.success ? { ok: true, patch: result.data } : { ok: false, errors: fieldErrors(result.error) };
}

/**
 * MeSH descriptor or supplementary concept ids (`MESH:D011471`; 6 digits, 9 for newer ones),
 * or NCBI numbers (taxon `10090`), the forms the digest's entity filter matches against.
 * Case is forgiven (`mesh:d011471`) and fixed after, since the matching is exact.
 */
const ENTITY_ID = /^(?:MESH:[CD]\d{6}(?:\d{3})?|\d{1,10})$/i;
const MAX_IDS_PER_FILTER = 50;

const entityIds = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== ''),
  )
  .pipe(
    z
      .array(
        z.string().regex(ENTITY_ID, {
          error: (issue) =>
            `"${String(issue.input)}" is not an id this filter knows: use MeSH ids such as MESH:D011471 or taxon numbers such as 10090, separated by commas.`,
        }),
      )
      .max(MAX_IDS_PER_FILTER, { error: `At most ${MAX_IDS_PER_FILTER} ids per box.` }),
  )
  .transform((ids) => [...new Set(ids.map((id) => id.toUpperCase()))]);

function preferencesSchema(offered: readonly string[]) {
  return z
    .object({
      watches: watchIdsSchema(offered, 'Choose at least one watch (to stop all digests, pause them or unsubscribe).'),
      frequency: frequencySchema,
      timezone: timezoneSchema,
      status: z.enum(['active', 'paused', 'unsubscribed'], { error: 'Choose whether to send or pause your digests.' }),
      sendEmpty: z.boolean(),
      include: z.record(z.string(), entityIds),
      exclude: z.record(z.string(), entityIds),
    })
    .transform(({ include, exclude, ...rest }) => ({ ...rest, filters: filtersByWatch(include, exclude) }));
}

/** Only watches with a non-empty box get a filter, so an emptied box removes it. */
function filtersByWatch(include: Record<string, string[]>, exclude: Record<string, string[]>): Record<string, WatchFilter> {
  const filters: Record<string, WatchFilter> = {};
  for (const watchId of new Set([...Object.keys(include), ...Object.keys(exclude)])) {
    const filter: WatchFilter = {
      ...(include[watchId]?.length ? { include: include[watchId] } : {}),
      ...(exclude[watchId]?.length ? { exclude: exclude[watchId] } : {}),
    };
    if (filter.include || filter.exclude) filters[watchId] = filter;
  }
  return filters;
}
