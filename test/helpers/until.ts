/** Wait until `condition` holds, checking every 50 ms; fail after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Wait until `get` gives a value, and return it. */
export async function untilDefined<T>(get: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  let value: T | undefined;
  await until(() => (value = get()) !== undefined, timeoutMs);
  return value as T;
}
