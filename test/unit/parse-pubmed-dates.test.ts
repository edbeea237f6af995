import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseMedlineDate, parseMonth } from '../../src/parse/pubmed-dates.ts';

describe('PubMed month values', () => {
  test('month names, abbreviations and numbers give the month number', () => {
    assert.equal(parseMonth('Sep'), 9);
    assert.equal(parseMonth('September'), 9);
    assert.equal(parseMonth('09'), 9);
    assert.equal(parseMonth('3'), 3);
  });

  test('seasons map to the month they start in, Winter to December of the same year', () => {
    assert.deepEqual(['Spring', 'Summer', 'Fall', 'Autumn', 'Winter'].map(parseMonth), [3, 6, 9, 9, 12]);
  });

  test('a range gives its first month', () => {
    assert.equal(parseMonth('Jan-Mar'), 1);
    assert.equal(parseMonth('Spring-Summer'), 3);
  });

  test('nonsense gives no month', () => {
    assert.equal(parseMonth('13'), undefined);
    assert.equal(parseMonth('4th Quarter'), undefined);
    assert.equal(parseMonth(undefined), undefined);
  });
});

describe('MedlineDate strings', () => {
  test('"2024 Jan-Feb" is January 2024', () => {
    assert.deepEqual(parseMedlineDate('2024 Jan-Feb'), { year: 2024, month: 1 });
  });

  test('"1998 Dec-1999 Jan" is December 1998', () => {
    assert.deepEqual(parseMedlineDate('1998 Dec-1999 Jan'), { year: 1998, month: 12 });
  });

  test('"2000 Spring-Summer" is March 2000', () => {
    assert.deepEqual(parseMedlineDate('2000 Spring-Summer'), { year: 2000, month: 3 });
  });

  test('a bare year or a year range gives only the first year', () => {
    assert.deepEqual(parseMedlineDate('2019'), { year: 2019 });
    assert.deepEqual(parseMedlineDate('1975-1976'), { year: 1975 });
  });

  test('a day after the month is kept', () => {
    assert.deepEqual(parseMedlineDate('2013 Jan 5-11'), { year: 2013, month: 1, day: 5 });
  });

  test('text without a year gives no date', () => {
    assert.equal(parseMedlineDate('Spring'), undefined);
  });
});
