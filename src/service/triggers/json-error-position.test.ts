import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findJsonSyntaxError, lineAndColumn } from './json-error-position.ts';

test('valid JSON has no error position (cross-checked with JSON.parse)', () => {
  const valid = [
    '{}',
    '[]',
    ' {"a": [1, -2.5e+3, true, false, null, "x\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"], "b": {}} ',
    '"s"',
    '0',
    '-0.0E1',
    '[[[[[]]]]]',
    `${'['.repeat(10000)}${']'.repeat(10000)}`,
  ];
  for (const text of valid) {
    assert.doesNotThrow(() => JSON.parse(text));
    assert.equal(findJsonSyntaxError(text), undefined, text.slice(0, 40));
  }
});

test('finds the offset of the first error', () => {
  const cases: [string, number][] = [
    ['', 0],
    ['   ', 3],
    ['abc', 0],
    ['{"a":1,}', 7],
    ['{"a" 1}', 5],
    ['{"a":tru}', 5],
    ['[1,2,,3]', 5],
    ['{"a":1}x', 7],
    ['{"a":01}', 6],
    ['{"a":-}', 5],
    ['{"a":"b', 7],
    ['{"a":"\u0001"}', 6],
    ['{"a":"\\x"}', 6],
    ['{"a":"\\u12G4"}', 6],
    ['{"a":1]', 6],
    ['[1}', 2],
    ['{1:2}', 1],
    ['{"a":1', 6],
    ['[', 1],
    [`${'['.repeat(10000)}x`, 10000],
  ];
  for (const [text, offset] of cases) {
    assert.throws(() => JSON.parse(text), SyntaxError, text);
    assert.equal(findJsonSyntaxError(text), offset, JSON.stringify(text.slice(0, 40)));
  }
});

test('lineAndColumn is 1-based', () => {
  assert.deepEqual(lineAndColumn('abc', 0), { line: 1, column: 1 });
  assert.deepEqual(lineAndColumn('abc', 2), { line: 1, column: 3 });
  assert.deepEqual(lineAndColumn('a\nbc', 3), { line: 2, column: 2 });
  assert.deepEqual(lineAndColumn('a\r\n\nb', 4), { line: 3, column: 1 });
});
