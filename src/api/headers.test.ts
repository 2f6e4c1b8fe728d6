import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headerValues, singleHeader } from './headers.ts';
import { TriggerError, TriggerErrorCode } from './trigger-error.ts';

test('headerValues reads Headers objects and Node header records case-insensitively', () => {
  assert.deepEqual(headerValues(new Headers({ 'X-Thing': 'a' }), 'x-thing'), ['a']);
  assert.deepEqual(headerValues(new Headers(), 'x-thing'), []);
  assert.deepEqual(headerValues({ 'x-thing': 'a' }, 'X-Thing'), ['a']);
  assert.deepEqual(headerValues({ 'X-Thing': ['a', 'b'] }, 'x-thing'), ['a', 'b']);
  assert.deepEqual(headerValues({ other: 'a', 'x-thing': undefined }, 'x-thing'), []);
});

test('singleHeader trims, treats empty as absent, and refuses conflicting repeats', () => {
  assert.equal(singleHeader({ a: '  v  ' }, 'a'), 'v');
  assert.equal(singleHeader({ a: '   ' }, 'a'), undefined);
  assert.equal(singleHeader({}, 'a'), undefined);
  assert.equal(singleHeader({ a: ['v', ' v'] }, 'a'), 'v');
  assert.throws(
    () => singleHeader({ a: ['v', 'w'] }, 'a'),
    (err) => err instanceof TriggerError && err.code === TriggerErrorCode.BadHeader && err.fields[0] === 'a',
  );
});
