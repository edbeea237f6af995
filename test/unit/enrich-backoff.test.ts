import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextTryAt, RETRY_BASE_MS, RETRY_MAX_MS } from '../../src/enrich/enrich-failures.ts';

const NOW = Date.UTC(2026, 10, 27, 8);

test('a failed enrichment waits 15 minutes, then twice as long after each further failure, at most a week', () => {
  assert.equal(RETRY_BASE_MS, 15 * 60_000);
  assert.deepEqual(
    [1, 2, 3, 4].map((attempts) => (nextTryAt(attempts, NOW) - NOW) / 60_000),
    [15, 30, 60, 120],
  );
  assert.equal(nextTryAt(20, NOW) - NOW, RETRY_MAX_MS);
  assert.equal(RETRY_MAX_MS, 7 * 86_400_000);
});
