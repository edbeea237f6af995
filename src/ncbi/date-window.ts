/**
 * Entrez-date windows. E-utilities take whole days (`YYYY/MM/DD`, both ends inclusive), so the
 * windows are whole days in UTC too.
 */
export interface DateWindow {
  min: string;
  max: string;
}

const DAY_MS = 86_400_000;

export function formatEntrezDate(date: Date): string {
  const y = date.getUTCFullYear();
  const m = String(date.getUTCMonth() + 1).padStart(2, '0');
  const d = String(date.getUTCDate()).padStart(2, '0');
  return `${y}/${m}/${d}`;
}

export function parseEntrezDate(value: string): Date {
  const match = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(value);
  if (!match) throw new Error(`not an Entrez date (YYYY/MM/DD): ${value}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

function addDays(value: string, days: number): string {
  return formatEntrezDate(new Date(parseEntrezDate(value).getTime() + days * DAY_MS));
}

export interface PollWindowInput {
  /** Last day fully covered by an earlier poll of this watch, if any. */
  cursor?: string;
  now: Date;
  /** Days re-read before the cursor: PubMed sometimes adds a record with an earlier Entrez date. */
  overlapDays: number;
  /** How far back a watch's first poll looks. */
  initialLookbackDays: number;
}

/** The window a poll searches: from the cursor minus the overlap (or the lookback) to today. */
export function pollWindow(input: PollWindowInput): DateWindow {
  const max = formatEntrezDate(input.now);
  const min = input.cursor ? addDays(input.cursor, -input.overlapDays) : addDays(max, -input.initialLookbackDays);
  return { min: min < max ? min : max, max };
}

/** Two halves of a window that has too many hits, or undefined for a single day. */
export function splitWindow(window: DateWindow): [DateWindow, DateWindow] | undefined {
  const start = parseEntrezDate(window.min).getTime();
  const days = Math.round((parseEntrezDate(window.max).getTime() - start) / DAY_MS);
  if (days < 1) return undefined;
  const firstEnd = addDays(window.min, Math.floor(days / 2));
  return [
    { min: window.min, max: firstEnd },
    { min: addDays(firstEnd, 1), max: window.max },
  ];
}
