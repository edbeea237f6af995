/**
 * How long a test waits for an event before it calls the run hung. Long on purpose: tests wait
 * on the events they count, so a busy machine (load 8 on 2 cores) only makes them slower; this
 * is a guard against a hang, never a measure of speed.
 */
export const PATIENCE_MS = 180_000;

/** Wait until `condition` holds, checking every 50 ms; fail after `timeoutMs` (a hang). */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = PATIENCE_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Wait until `get` gives a value, and return it. */
export async function untilDefined<T>(get: () => T | undefined, timeoutMs = PATIENCE_MS): Promise<T> {
  let value: T | undefined;
  await until(() => (value = get()) !== undefined, timeoutMs);
  return value as T;
}

/**
 * Wait until a queue holds no job that could still run (none waiting, delayed, active or
 * prioritized): the event "nothing more will happen here", to check that something happened
 * only once without sleeping on it.
 */
export async function untilQueueIdle(queue: { getJobCounts(...types: string[]): Promise<Record<string, number>> }): Promise<void> {
  await until(async () => {
    const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'waiting-children', 'paused');
    return Object.values(counts).every((n) => n === 0);
  });
}
