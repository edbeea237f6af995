import type { Frequency } from '../store/subscriber-store.ts';

/**
 * The period a digest covers, named in the subscriber's time zone: a day (`2026-11-27`) or an
 * ISO week (`2026-W48`). One digest per subscriber and period: the period is part of its id.
 */
export interface DigestPeriod {
  key: string;
  /** For the reader: "Friday 27 November 2026", "week of 23 November 2026". */
  label: string;
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

// Building an Intl.DateTimeFormat costs far more than using one: keep one per zone (a digest run
// asks for ten thousand subscribers' periods in a handful of zones).
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function localDate(now: Date, timeZone: string): LocalDate {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
    dayFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Calendar arithmetic on a date with no time zone left in it. */
function utcDay(date: LocalDate): Date {
  return new Date(Date.UTC(date.year, date.month - 1, date.day));
}

const LABEL = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' });
const LABEL_WITH_WEEKDAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric', weekday: 'long' });

function longLabel(date: Date, withWeekday: boolean): string {
  return (withWeekday ? LABEL_WITH_WEEKDAY : LABEL).format(date).replace(',', '');
}

/** ISO 8601 week: weeks start on Monday; week 1 holds the year's first Thursday. */
function isoWeek(day: Date): { year: number; week: number; monday: Date } {
  const weekday = (day.getUTCDay() + 6) % 7; // Monday 0
  const monday = new Date(day.getTime() - weekday * 86_400_000);
  const thursday = new Date(monday.getTime() + 3 * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return { year, week, monday };
}

export function digestPeriod(frequency: Frequency, now: Date, timeZone: string): DigestPeriod {
  const today = utcDay(localDate(now, timeZone));
  if (frequency === 'daily') {
    return { key: `${today.getUTCFullYear()}-${pad(today.getUTCMonth() + 1)}-${pad(today.getUTCDate())}`, label: longLabel(today, true) };
  }
  const { year, week, monday } = isoWeek(today);
  return { key: `${year}-W${pad(week)}`, label: `week of ${longLabel(monday, false)}` };
}
