import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { calendarClock } from '../../src/clock.ts';

describe('calendarClock', () => {
  test('without a start it is the machine clock', () => {
    const before = Date.now();
    const now = calendarClock()().getTime();
    assert.ok(now >= before && now <= Date.now());
  });

  test('with a start it reads that instant at first and then runs on in real time', async () => {
    const start = Date.UTC(2026, 10, 27, 8);
    const clock = calendarClock(start);
    const realBefore = Date.now();
    const first = clock().getTime();
    // Within the time this call took: the start, not today.
    assert.ok(first >= start && first - start <= Date.now() - realBefore + 5, `${new Date(first).toISOString()}`);
    // It runs on: wait until the real clock has moved, then the pinned one has moved as much.
    const realAtFirst = Date.now();
    while (Date.now() < realAtFirst + 20) await new Promise((resolve) => setImmediate(resolve));
    assert.ok(clock().getTime() - first >= 20);
  });
});
