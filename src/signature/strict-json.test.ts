import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findDuplicateKey, formatJsonPath, parseStrictJson } from './strict-json.ts';

test('valid JSON parses as JSON.parse would', () => {
  const text = '{"a":[1,{"b":"x,y}"}],"c":{"d":null}}';
  assert.deepEqual(parseStrictJson(text), { ok: true, value: JSON.parse(text) });
});

test('a repeated key is refused with its path, at any depth', () => {
  assert.deepEqual(findDuplicateKey('{"default":[],"default":[]}'), ['default']);
  assert.deepEqual(
    findDuplicateKey('{"transports":{"docker":{"r/a":[{"type":"reject","type":"reject"}]}}}'),
    ['transports', 'docker', 'r/a', 0, 'type'],
  );
  assert.deepEqual(findDuplicateKey('[{"a":1},{"b":1,"c":{"x":1},"b":2}]'), [1, 'b']);
});

test('keys equal only after unescaping are duplicates; equal keys in different objects are not', () => {
  assert.deepEqual(findDuplicateKey('{"a":1,"\\u0061":2}'), ['a']);
  assert.equal(findDuplicateKey('{"a":{"a":1},"b":{"a":2},"s":"\\"a\\":"}'), undefined);
});

test('syntax errors are reported, not thrown', () => {
  const r = parseStrictJson('{"default":[');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /^not valid JSON/);
});

test('paths print as a reader would write them', () => {
  assert.equal(
    formatJsonPath(['transports', 'docker', 'reg.example/app', 0, 'type']),
    'transports.docker["reg.example/app"][0].type',
  );
  assert.equal(formatJsonPath([]), '');
});
