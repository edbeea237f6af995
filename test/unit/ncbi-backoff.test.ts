import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from '../../src/ncbi/backoff.ts';

const OPTIONS = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 8000 };

test('delays double each retry, between half and all of the exponential step', () => {
  assert.equal(
    backoffDelay(0, OPTIONS, undefined, () => 0),
    500,
  );
  assert.equal(
    backoffDelay(0, OPTIONS, undefined, () => 1),
    1000,
  );
  assert.equal(
    backoffDelay(2, OPTIONS, undefined, () => 0),
    2000,
  );
  assert.equal(
    backoffDelay(2, OPTIONS, undefined, () => 1),
    4000,
  );
});

test('delays stop growing at the cap', () => {
  assert.equal(
    backoffDelay(10, OPTIONS, undefined, () => 1),
    8000,
  );
});

test("NCBI's Retry-After is a floor", () => {
  assert.equal(
    backoffDelay(0, OPTIONS, 30, () => 0),
    30_000,
  );
  assert.equal(
    backoffDelay(3, OPTIONS, 1, () => 1),
    8000,
  );
});
