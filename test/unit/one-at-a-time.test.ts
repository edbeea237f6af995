import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { oneAtATime } from '../../src/poll/one-at-a-time.ts';

test('steps take turns in the order they ask, and a failing step does not stop the next', async () => {
  const turn = oneAtATime();
  const events: string[] = [];
  const step = (name: string, ms: number, fail = false) =>
    turn(async () => {
      events.push(`${name} start`);
      await sleep(ms);
      events.push(`${name} end`);
      if (fail) throw new Error(`${name} failed`);
      return name;
    });
  const results = await Promise.allSettled([step('a', 30), step('b', 5, true), step('c', 1)]);
  assert.deepEqual(events, ['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
    ['a', 'b failed', 'c'],
  );
});
