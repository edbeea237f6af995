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
  const fields = expression
    .trim()
    .split(/\s+/)
    .filter((field) => field !== '');
  if (fields.length !== 5 && fields.length !== 6) {
    return `expected 5 fields (minute hour day-of-month month day-of-week) or 6 (seconds first), got ${fields.length}`;
  }
  if (fields.some((field) => field.split(',').some((part) => part.startsWith('H')))) {
    return '"H" (random time) is not supported: BullMQ would pick a new time on every run; write the minute and hour you want';
  }
  try {
    CronExpressionParser.parse(expression);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
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
