/**
 * PubMed dates → PartialDate, as precise as the record is and no more.
 *
 * Seasons map to the month the season starts in, all in the record's own year: Spring = 3,
 * Summer = 6, Fall/Autumn = 9, Winter = 12. This keeps the four quarterly issues of a journal
 * that numbers them Spring…Winter in order within the year. A journal whose "Winter" issue opens
 * the year is then dated up to eleven months late; the card prefers the electronic date, which
 * such records usually carry, so the season only dates print-only records.
 */
import type { PartialDate } from './article.ts';
import { text, type XmlValue, child } from './xml-tree.ts';

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const SEASONS: Readonly<Record<string, number>> = { spring: 3, summer: 6, fall: 9, autumn: 9, winter: 12 };

/**
 * A month from "Sep", "September", "09", "9", or a season ("Spring"); ranges such as "Jan-Mar"
 * or "Spring-Summer" give their first month.
 */
export function parseMonth(value: string | undefined): number | undefined {
  const first = value
    ?.trim()
    .split(/[\s\-/–]+/)[0]
    ?.toLowerCase();
  if (!first) return undefined;
  if (/^\d{1,2}$/.test(first)) {
    const n = Number(first);
    return n >= 1 && n <= 12 ? n : undefined;
  }
  return MONTHS[first.slice(0, 3)] ?? SEASONS[first];
}

function parseDay(value: string | undefined): number | undefined {
  if (!value || !/^\d{1,2}$/.test(value.trim())) return undefined;
  const n = Number(value);
  return n >= 1 && n <= 31 ? n : undefined;
}

/** Assembles a PartialDate; a day without a month means nothing and is dropped. */
function partialDate(year: number, month: number | undefined, day: number | undefined): PartialDate {
  const date: PartialDate = { year };
  if (month !== undefined) {
    date.month = month;
    if (day !== undefined) date.day = day;
  }
  return date;
}

/**
 * A free-text `MedlineDate`: the first year, then the month (or season) right after it, then
 * a day if one follows. "2024 Jan-Feb" → 2024-01, "1998 Dec-1999 Jan" → 1998-12,
 * "2000 Spring-Summer" → 2000-03, "2019" → 2019, "1975-1976" → 1975.
 */
export function parseMedlineDate(value: string): PartialDate | undefined {
  const m = /(\d{4})(?:[\s,]+([A-Za-z]+|\d{1,2}\b)(?:[\s]+(\d{1,2})\b)?)?/.exec(value);
  if (!m) return undefined;
  const month = parseMonth(m[2]);
  return partialDate(Number(m[1]), month, parseDay(m[3]));
}

/** A date from its parts as written: undefined without a four-digit year; `month` may be a season. */
export function dateFromParts(year: string | undefined, month: string | undefined, day: string | undefined): PartialDate | undefined {
  if (!year || !/^\d{4}$/.test(year)) return undefined;
  return partialDate(Number(year), parseMonth(month), parseDay(day));
}

/** `<Year>`/`<Month>`/`<Day>` (ArticleDate, PubMedPubDate) or `<Year>`/`<Season>` (PubDate). */
export function parseDateElement(node: XmlValue | undefined): PartialDate | undefined {
  const month = text(child(node, 'Month')) ?? text(child(node, 'Season'));
  return dateFromParts(text(child(node, 'Year')), month, text(child(node, 'Day')));
}

/** An issue's `PubDate`: structured, or a `MedlineDate` that is also returned raw. */
export function parsePubDate(node: XmlValue | undefined): { pubDate?: PartialDate; medlineDate?: string } {
  const medlineDate = text(child(node, 'MedlineDate'));
  if (medlineDate === undefined) {
    const pubDate = parseDateElement(node);
    return pubDate ? { pubDate } : {};
  }
  const pubDate = parseMedlineDate(medlineDate);
  return pubDate ? { pubDate, medlineDate } : { medlineDate };
}
