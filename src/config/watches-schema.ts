import * as z from 'zod';
import type { DeepReadonly } from './deep-freeze.ts';
import { cronProblem, frequencyProblem, isTimeZone } from './schedule-checks.ts';
import { unsafeCharacterProblem } from './unsafe-characters.ts';

/**
 * Lowercase words joined by single hyphens, starting with a letter. The id goes into URLs,
 * Redis keys and job ids (`poll-<id>`), so no `:` (BullMQ's key separator), nothing to
 * escape, and never all digits (BullMQ reserves numeric job ids for its own).
 */
const WATCH_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export const FREQUENCIES = ['daily', 'weekly'] as const;

/** The databases a watch searches: PubMed, and PMC for full texts PubMed lists late or not at all. */
export const SOURCES = ['pubmed', 'pmc'] as const;

/** A mapping whose unknown keys are errors: a typo such as `shedule` must not be ignored. */
function mapping<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key (allowed here: ${allowed})` : undefined),
  });
}

/** `subscribers:` with every entry commented out is YAML null; read it as "not given". */
function nullAsAbsent<Schema extends z.ZodType>(schema: Schema) {
  return z.preprocess((value) => (value === null ? undefined : value), schema);
}

const scheduleSchema = z.string().superRefine((expression, ctx) => {
  const problem = cronProblem(expression);
  if (problem !== undefined) {
    ctx.addIssue({ code: 'custom', input: expression, message: `not a valid cron expression ${JSON.stringify(expression)}: ${problem}` });
    return;
  }
  const tooOften = frequencyProblem(expression);
  if (tooOften !== undefined) ctx.addIssue({ code: 'custom', input: expression, message: tooOften });
});

const timeZone = z.string().refine(isTimeZone, {
  error: (issue) => `unknown time zone ${JSON.stringify(issue.input)}: use an IANA name such as Europe/Paris, America/New_York or UTC`,
});

/**
 * The longest published systematic-review strategies run to a few thousand characters; past
 * these, a value is a mistake (a pasted file) and would go to NCBI on every poll and into every
 * page and email. The message gives the length, never the value.
 */
export const MAX_QUERY_LENGTH = 20_000;
export const MAX_NAME_LENGTH = 200;

function tooLong(input: unknown, max: number, what: string, next = ''): string {
  const length = typeof input === 'string' ? input.length : 0;
  return `${length.toLocaleString('en')} characters long; ${what} may have at most ${max.toLocaleString('en')}${next}`;
}

function refuseUnsafeCharacters(options: { spacing: boolean }) {
  return (text: string, ctx: z.RefinementCtx) => {
    const problem = unsafeCharacterProblem(text, options);
    // The message says where and which character, never the value (it may be 20,000 characters).
    if (problem !== undefined) ctx.addIssue({ code: 'custom', input: text, message: problem });
  };
}

const watchSchema = mapping({
  id: z.string().regex(WATCH_ID, {
    error: (issue) =>
      `${JSON.stringify(issue.input)} is not a valid id: use lowercase letters, digits and single hyphens, starting with a letter (e.g. bone-metastasis)`,
  }),
  name: z
    .string()
    .trim()
    .min(1)
    .max(MAX_NAME_LENGTH, { error: (issue) => tooLong(issue.input, MAX_NAME_LENGTH, 'a watch name') })
    .superRefine(refuseUnsafeCharacters({ spacing: false })),
  query: z
    .string()
    .trim()
    .min(1)
    .max(MAX_QUERY_LENGTH, { error: (issue) => tooLong(issue.input, MAX_QUERY_LENGTH, 'a query', ': split it into several watches') })
    .superRefine(refuseUnsafeCharacters({ spacing: true })),
  schedule: scheduleSchema,
  timezone: timeZone.default('UTC'),
  enabled: z.boolean().default(true),
  sources: z
    .array(z.enum(SOURCES))
    .min(1)
    .refine((list) => new Set(list).size === list.length, { error: 'lists a source twice' })
    .default([...SOURCES]),
});

const subscriberSchema = mapping({
  email: z.email(),
  watches: z.array(z.string()).min(1),
  frequency: z.enum(FREQUENCIES).default('daily'),
  timezone: timeZone.optional(),
});

const digestSchema = mapping({
  /** Cards in one digest; the rest are listed behind a link. */
  maxItems: z.int().min(1).max(500).default(50),
  /** When each frequency's digests go out, read in each subscriber's time zone. */
  schedules: mapping({
    daily: scheduleSchema.default('0 7 * * *'),
    weekly: scheduleSchema.default('0 7 * * 1'),
  }).prefault({}),
  /** A new subscriber's first digest reaches back this far. */
  backfillDays: z.int().min(0).default(7),
  /** Messages per second to the SMTP server at most. */
  sendRatePerSecond: z.number().positive().max(1000).default(10),
});

const pollingSchema = mapping({
  initialLookbackDays: z.int().min(1).default(30),
  overlapDays: z.int().min(1).default(3),
});

const enrichmentSchema = mapping({
  /** How long a work tagged offline is looked up in PubTator again on later polls. */
  pubtatorRetryDays: z.int().min(0).default(14),
});

const healthSchema = mapping({
  /** A watch that finds nothing for longer than this (or than twice its usual gap, if longer) is flagged. */
  silentWatchDays: z.int().min(1).default(7),
  /** This many bad answers from NCBI in a row (429, 5xx, timeouts) is flagged. */
  ncbiErrorStreak: z.int().min(1).default(5),
  /** A job waiting or running longer than this is flagged as stuck. */
  queueStuckMinutes: z.int().min(1).default(30),
});

const retentionSchema = mapping({
  /** Sent history is kept this long: it decides which works a reader still gets (digests look back 90 days at most). */
  sentDays: z.int().min(90).default(400),
  /** Digests (what was sent, when, to whom) are kept this long, then pruned by a daily job. */
  digestDays: z.int().min(1).default(180),
});

/**
 * The shape of `watches.yaml`. Checks that span entries (unique ids and emails, subscribers
 * naming existing watches) live in config-references.ts so they run even when an entry
 * fails here.
 */
const mailSchema = mapping({
  /** Permanent refusals (SMTP 5xx for the address) in a row after which a subscriber is marked bouncing and sent nothing more. */
  bounceLimit: z.int().min(1).max(100).default(3),
});

export const configSchema = mapping({
  polling: nullAsAbsent(pollingSchema.prefault({})),
  enrichment: nullAsAbsent(enrichmentSchema.prefault({})),
  digest: nullAsAbsent(digestSchema.prefault({})),
  mail: nullAsAbsent(mailSchema.prefault({})),
  health: nullAsAbsent(healthSchema.prefault({})),
  retention: nullAsAbsent(retentionSchema.prefault({})),
  watches: z.array(watchSchema),
  subscribers: nullAsAbsent(z.array(subscriberSchema).default([])),
});

export type Config = DeepReadonly<z.output<typeof configSchema>>;
export type Watch = Config['watches'][number];
export type Subscriber = Config['subscribers'][number];
export type PollingSettings = Config['polling'];
export type EnrichmentSettings = Config['enrichment'];
export type DigestSettings = Config['digest'];
export type MailSettings = Config['mail'];
export type HealthSettings = Config['health'];
export type RetentionSettings = Config['retention'];
export type Source = (typeof SOURCES)[number];
