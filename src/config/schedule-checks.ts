import { CronExpressionParser } from 'cron-parser';

/**
 * Why `expression` cannot be a watch's schedule, or undefined when it can. It must be
 * what BullMQ's `pattern` accepts (BullMQ parses it with the same cron-parser), and more:
 * - exactly 5 or 6 fields, because cron-parser quietly reads fewer fields as another
 *   schedule: "0 6 * *" becomes every minute past midnight on the 6th of each month;
 * - no `H`: without a seed cron-parser draws a new random value on every parse, and
 *   BullMQ re-parses the pattern each time it schedules the next run.
 */
export function cronProblem(expression: string): string | undefined {
  const words = expression
    .trim()
    .split(/\s+/)
    .filter((field) => field !== '');
  if (words.length !== 5 && words.length !== 6) {
    return `expected 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), got ${words.length}`;
  }
  if (words.some((field) => field.split(',').some((part) => part.startsWith('H')))) {
    return '"H" (random time) is not supported: BullMQ would pick a new time on every run; write the minute and hour you want';
  }
  try {
    CronExpressionParser.parse(expression);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Why a valid cron `expression` runs too often to be a schedule, or undefined when it does not. */
export function frequencyProblem(expression: string): string | undefined {
  const gap = shortestGapSeconds(CronExpressionParser.parse(expression).fields);
  if (gap < MIN_SCHEDULE_GAP_SECONDS) {
    return `${JSON.stringify(expression)} runs as often as every ${describeGap(gap)}; a schedule may run at most every ${MIN_SCHEDULE_GAP_SECONDS / 60} minutes (PubMed updates once a day: polling more often finds nothing new and spends NCBI's rate limit)`;
  }
  return undefined;
}

/**
 * The most often any schedule may run. PubMed adds records once a day, so a watch polled more
 * often finds nothing new and spends everyone's NCBI rate limit on it; a cron of every second
 * made 38 polls and 77 searches in 40 s.
 */
export const MIN_SCHEDULE_GAP_SECONDS = 15 * 60;

type CronFields = ReturnType<typeof CronExpressionParser.parse>['fields'];

/**
 * The shortest time between two runs of a day's pattern (hours x minutes x seconds), the step
 * from the last run of one day to the first of the next included. Day-of-month, month and
 * day-of-week only pick which days run, so they never bring two runs closer; counting the step
 * over midnight as if the next day ran too errs on the safe side.
 */
function shortestGapSeconds(fields: CronFields): number {
  const { hour, minute, second } = fields;
  // Several runs within each minute: already far too often, and listing a day of them (up to
  // 86,400) would cost a config check a tenth of a second. Their gaps within a minute are real.
  if (second.values.length > 1) return shortestStep(second.values.map(Number));
  const times = hour.values
    .flatMap((h) => minute.values.flatMap((m) => second.values.map((s) => Number(h) * 3600 + Number(m) * 60 + Number(s))))
    .sort((a, b) => a - b);
  return Math.min(24 * 3600 - times[times.length - 1]! + times[0]!, shortestStep(times));
}

/** The smallest difference between neighbours of an ascending list (Infinity for one value). */
function shortestStep(sorted: number[]): number {
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < sorted.length; i++) step = Math.min(step, sorted[i]! - sorted[i - 1]!);
  return step;
}

function describeGap(seconds: number): string {
  if (seconds % 60 !== 0) return seconds === 1 ? 'second' : `${seconds} seconds`;
  const minutes = seconds / 60;
  return minutes === 1 ? 'minute' : `${minutes} minutes`;
}

/** True for a time zone name this Node.js knows (IANA names such as Europe/Paris, or UTC). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
