import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkRequested } from '../../src/poll/requested-pmids.ts';
import { isRecordRefusal, refusalReason } from '../../src/store/set-aside-store.ts';

const record = (pmid: string) => ({ pmid, title: `Record ${pmid}` });

describe('a fetch batch against the PMIDs it asked for', () => {
  test('records asked for are kept in the order received; the others are unrequested', () => {
    const check = checkRequested(['1', '2', '3'], [record('9'), record('2'), record('1'), record('8')]);
    assert.deepEqual(
      check.kept.map((r) => r.pmid),
      ['2', '1'],
    );
    assert.deepEqual(check.unrequested, ['9', '8']);
    assert.deepEqual(check.missing, ['3']);
  });

  test('a deletion notice or an unreadable record answers for its PMID', () => {
    const check = checkRequested(['1', '2', '3'], [record('1')], ['2', '3']);
    assert.deepEqual(check.missing, []);
    assert.deepEqual(check.unrequested, []);
  });

  test('a reply that matches the list exactly reports nothing', () => {
    const check = checkRequested(['5', '4'], [record('5'), record('4')]);
    assert.deepEqual([check.unrequested, check.missing], [[], []]);
  });
});

describe('which store errors set a record aside', () => {
  test("PostgreSQL refusing the data is the record's fault", () => {
    for (const code of ['22P02', '22021', '23505', '54000', 'P0001']) assert.ok(isRecordRefusal(Object.assign(new Error('refused'), { code })), code);
  });

  test('a lost connection, a serialisation failure, a bug in our SQL or an error without SQLSTATE fails the batch instead', () => {
    for (const code of ['08006', '57P01', '40001', '42601', '53300']) assert.ok(!isRecordRefusal(Object.assign(new Error('x'), { code })), code);
    assert.ok(!isRecordRefusal(new Error('Connection terminated unexpectedly')));
    assert.ok(!isRecordRefusal(Object.assign(new Error('reset'), { code: 'ECONNRESET' })));
    assert.ok(!isRecordRefusal(undefined));
  });

  test("the reason is one line with PostgreSQL's detail and the SQLSTATE", () => {
    const err = Object.assign(new Error('invalid input syntax for type json'), {
      code: '22P02',
      detail: 'Unicode low surrogate must follow a high surrogate.',
    });
    assert.equal(refusalReason(err), 'invalid input syntax for type json: Unicode low surrogate must follow a high surrogate. (SQLSTATE 22P02)');
    assert.equal(refusalReason(Object.assign(new Error('value too long\nfor type'), { code: '22001' })), 'value too long for type (SQLSTATE 22001)');
  });
});
