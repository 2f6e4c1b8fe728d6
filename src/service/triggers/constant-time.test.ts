import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchingSecretIndex, secretEquals } from './constant-time.ts';

test('secretEquals compares content, whatever the lengths', () => {
  assert.ok(secretEquals('s3cret', 's3cret'));
  assert.ok(secretEquals(Buffer.from('s3cret'), 's3cret'));
  assert.ok(!secretEquals('s3cret', 's3cre'));
  assert.ok(!secretEquals('s3cret', 's3cret '));
  assert.ok(!secretEquals('', 'x'));
  assert.ok(!secretEquals('a'.repeat(10_000), 'a'));
});

test('matchingSecretIndex finds the first matching secret and never matches empty values', () => {
  assert.equal(matchingSecretIndex('b', ['a', 'b', 'b']), 1);
  assert.equal(matchingSecretIndex('c', ['a', 'b']), -1);
  assert.equal(matchingSecretIndex(undefined, ['a']), -1);
  assert.equal(matchingSecretIndex('', ['', 'a']), -1);
  assert.equal(matchingSecretIndex('a', []), -1);
  assert.equal(matchingSecretIndex('a', ['', 'a']), 1);
});
