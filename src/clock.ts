/**
 * litwatch's calendar clock: what "today" is for poll windows, digest periods, retries and
 * retention. It is the machine's clock unless LITWATCH_CLOCK is set.
 *
 * LITWATCH_CLOCK exists for tests only: the test suite's fixtures are written on one pinned day,
 * and the litwatch processes a test starts must see that day too, or a poll's look-back window
 * (counted back from today) would leave the fixtures behind as the calendar moves on. The clock
 * starts at the given instant when the process starts and then runs on in real time, so
 * durations (backoffs, leases, timeouts) stay real.
 */
export function calendarClock(startsAt?: number): () => Date {
  if (startsAt === undefined) return () => new Date();
  const offset = startsAt - Date.now();
  return () => new Date(Date.now() + offset);
}
