import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, displayPath, formatProblem, formatProblems } from '../../src/config/config-errors.ts';

describe('formatProblem', () => {
  test('prints file:line: field: message', () => {
    const line = formatProblem({ file: 'config/watches.yaml', line: 14, field: 'watches[0].schedule', message: 'bad' });
    assert.equal(line, 'config/watches.yaml:14: watches[0].schedule: bad');
  });

  test('leaves out the line and the field when a problem has none', () => {
    assert.equal(formatProblem({ file: 'env', field: 'LOG_LEVEL', message: 'bad' }), 'env: LOG_LEVEL: bad');
    assert.equal(formatProblem({ file: 'config/watches.yaml', message: 'file not found' }), 'config/watches.yaml: file not found');
  });
});

describe('ConfigError', () => {
  test('keeps every problem and prints them one per line', () => {
    const problems = [
      { file: 'env', field: 'A', message: 'one' },
      { file: 'env', field: 'B', message: 'two' },
    ];
    const error = new ConfigError(problems);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'ConfigError');
    assert.deepEqual(error.problems, problems);
    assert.equal(error.message, formatProblems(problems));
    assert.equal(error.message, 'env: A: one\nenv: B: two');
  });
});

describe('displayPath', () => {
  test('shows a file inside the working directory relative to it', () => {
    assert.equal(displayPath('/srv/litwatch/config/watches.yaml', '/srv/litwatch'), 'config/watches.yaml');
  });

  test('shows a file outside the working directory in full', () => {
    assert.equal(displayPath('/etc/litwatch/watches.yaml', '/srv/litwatch'), '/etc/litwatch/watches.yaml');
    assert.equal(displayPath('/srv/litwatch-other/watches.yaml', '/srv/litwatch'), '/srv/litwatch-other/watches.yaml');
  });
});
