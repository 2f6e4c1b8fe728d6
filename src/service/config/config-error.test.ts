import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FerryError } from '../../errors/ferry-error.ts';
import { ConfigError, formatProblem } from './config-error.ts';

test('formatProblem renders file:line:col: path: message, omitting unknown parts', () => {
  assert.equal(
    formatProblem({ file: 'ferry.yaml', line: 3, column: 5, path: 'promotions[0].to', message: 'bad' }),
    'ferry.yaml:3:5: promotions[0].to: bad',
  );
  assert.equal(
    formatProblem({ file: 'ferry.yaml', path: '', message: 'cannot read' }),
    'ferry.yaml: cannot read',
  );
  assert.equal(
    formatProblem({ path: 'triggers.github.secrets[0]', message: 'unset' }),
    'triggers.github.secrets[0]: unset',
  );
});

test('ConfigError lists every problem and exposes the first one', () => {
  const err = new ConfigError([
    { file: 'f.yaml', line: 1, column: 1, path: 'a', message: 'one' },
    { file: 'f.yaml', line: 2, column: 3, path: 'b', message: 'two' },
  ]);
  assert.ok(err instanceof FerryError);
  assert.equal(err.code, 'FERRY_E_CONFIG');
  assert.equal(err.name, 'ConfigError');
  assert.equal(
    err.message,
    'invalid configuration in f.yaml (2 problems):\n  f.yaml:1:1: a: one\n  f.yaml:2:3: b: two',
  );
  assert.deepEqual([err.path, err.file, err.line, err.column], ['a', 'f.yaml', 1, 1]);
  assert.equal(err.problems.length, 2);
  assert.equal(err.temporary, false);
});

test('ConfigError needs a problem', () => {
  assert.throws(() => new ConfigError([]), TypeError);
});
