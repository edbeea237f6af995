import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { cronProblem, frequencyProblem, isTimeZone } from '../../src/config/schedule-checks.ts';
import { unsafeCharacterProblem } from '../../src/config/unsafe-characters.ts';

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

describe('frequencyProblem', () => {
  test('accepts schedules that run every 15 minutes or less often', () => {
    for (const expression of ['0 6 * * *', '*/15 * * * *', '0 */15 * * * *', '0 * * * *', '0,45 6 * * *', '0 6,18 * * 1-5']) {
      assert.equal(frequencyProblem(expression), undefined, expression);
    }
  });

  test('refuses schedules with any two runs closer than 15 minutes, across hours and midnight too', () => {
    assert.match(frequencyProblem('* * * * * *') ?? '', /runs as often as every second; a schedule may run at most every 15 minutes/);
    assert.match(frequencyProblem('0,30 6 * * * *') ?? '', /every 30 seconds;/);
    // 0, 14, 28, 42, 56: from :56 to the next hour's :00 is 4 minutes.
    assert.match(frequencyProblem('*/14 * * * *') ?? '', /every 4 minutes;/);
    assert.match(frequencyProblem('5,55 0,23 * * *') ?? '', /every 10 minutes;/);
  });
});

describe('unsafeCharacterProblem', () => {
  test('refuses control characters, and bidirectional controls, saying which and where', () => {
    assert.equal(unsafeCharacterProblem('Bone\r\nBcc: x', { spacing: false }), 'holds a control character (U+000D) at character 5: remove it');
    assert.match(unsafeCharacterProblem('ab\u2067c', { spacing: true }) ?? '', /^holds a bidirectional text control \(U\+2067\) at character 3/);
    assert.match(unsafeCharacterProblem('a\u0085', { spacing: true }) ?? '', /U\+0085/);
  });

  test('lets line feeds and tabs through in a query, never in a name', () => {
    assert.equal(unsafeCharacterProblem('bone[tiab]\n\tAND metastasis', { spacing: true }), undefined);
    assert.match(unsafeCharacterProblem('Bone\tmetastasis', { spacing: false }) ?? '', /U\+0009/);
    assert.equal(unsafeCharacterProblem('Métastases osseuses, 骨转移', { spacing: false }), undefined);
  });
});
