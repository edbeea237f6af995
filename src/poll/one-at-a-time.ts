/**
 * Runs the given steps one at a time, in the order they ask, within this process. For CPU-bound
 * steps of jobs that run several at once: on one event loop, three jobs parsing at once all
 * finish late together; taking turns, the first finishes first and what follows it (its
 * enrichment) starts sooner, while the jobs' network waits still overlap.
 */
export function oneAtATime(): <T>(step: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (step) => {
    const run = last.then(step, step);
    last = run.catch(() => undefined);
    return run;
  };
}
