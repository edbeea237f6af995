import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pollWindow, splitWindow } from '../../src/ncbi/date-window.ts';

const NOW = new Date('2026-11-27T23:30:00Z');

describe('poll windows over Entrez dates', () => {
  test('a first poll looks back initialLookbackDays from today', () => {
    assert.deepEqual(pollWindow({ now: NOW, overlapDays: 3, initialLookbackDays: 30 }), { min: '2026/10/28', max: '2026/11/27' });
  });

  test('a later poll starts at the cursor minus the overlap, across month and year ends', () => {
    assert.deepEqual(pollWindow({ cursor: '2026/11/20', now: NOW, overlapDays: 3, initialLookbackDays: 30 }), { min: '2026/11/17', max: '2026/11/27' });
    assert.deepEqual(pollWindow({ cursor: '2026/01/02', now: new Date('2026-01-03T00:00:00Z'), overlapDays: 5, initialLookbackDays: 30 }), {
      min: '2025/12/28',
      max: '2026/01/03',
    });
  });

  test('a cursor in the future never gives a window that ends before it starts', () => {
    assert.deepEqual(pollWindow({ cursor: '2026/12/31', now: NOW, overlapDays: 1, initialLookbackDays: 30 }), { min: '2026/11/27', max: '2026/11/27' });
  });
});

describe('splitting a window with too many hits', () => {
  test('halves cover the window exactly, without overlap', () => {
    assert.deepEqual(splitWindow({ min: '2026/11/01', max: '2026/11/10' }), [
      { min: '2026/11/01', max: '2026/11/05' },
      { min: '2026/11/06', max: '2026/11/10' },
    ]);
    assert.deepEqual(splitWindow({ min: '2026/02/28', max: '2026/03/01' }), [
      { min: '2026/02/28', max: '2026/02/28' },
      { min: '2026/03/01', max: '2026/03/01' },
    ]);
  });

  test('a single day cannot be split', () => {
    assert.equal(splitWindow({ min: '2026/11/01', max: '2026/11/01' }), undefined);
  });
});
