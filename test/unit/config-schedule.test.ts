import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cronProblem, isTimeZone } from '../../src/config/schedule-checks.ts';

describe('cronProblem', () => {
  test('accepts 5-field and 6-field expressions, names and steps included', () => {
    for (const expression of ['0 6 * * *', '30 7 * * 1-5', '0 */6 * * *', '0 6 * * MON', '0 0 6 * * *']) {
      assert.equal(cronProblem(expression), undefined, expression);
    }
  });

  test('refuses fewer than 5 or more than 6 fields, which cron-parser would read as another schedule', () => {
    assert.match(cronProblem('0 6 * *') ?? '', /got 4$/);
    assert.match(cronProblem('@daily') ?? '', /got 1$/);
    assert.match(cronProblem('0 0 6 * * * 2030') ?? '', /got 7$/);
  });

  test('refuses H, which BullMQ would re-randomise on every run', () => {
    assert.match(cronProblem('H 6 * * *') ?? '', /"H"/);
    assert.match(cronProblem('0 6 * * 1,H') ?? '', /"H"/);
    assert.equal(cronProblem('0 6 * * THU'), undefined);
  });

  test("passes on cron-parser's reason for a value out of range", () => {
    assert.equal(cronProblem('0 25 * * *'), 'Constraint error, got value 25 expected range 0-23');
  });
});

describe('isTimeZone', () => {
  test('knows IANA names and UTC', () => {
    assert.ok(isTimeZone('Europe/Paris'));
    assert.ok(isTimeZone('America/New_York'));
    assert.ok(isTimeZone('UTC'));
  });

  test('rejects misspelt or empty names', () => {
    assert.equal(isTimeZone('Europe/Pariss'), false);
    assert.equal(isTimeZone(''), false);
  });
});
