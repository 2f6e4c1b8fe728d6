import assert from 'node:assert/strict';
import test from 'node:test';
import { decodeCursor, encodeCursor } from './page-cursor.ts';
import { StoreError } from './store-error.ts';

test('a cursor decodes to the key it was made from', () => {
  assert.equal(decodeCursor('p', encodeCursor('p', 42)), 42);
  assert.equal(decodeCursor('a', encodeCursor('a', 999_999_999_999_999)), 999_999_999_999_999);
});

test("one list's cursor is refused by the other", () => {
  assert.throws(() => decodeCursor('a', encodeCursor('p', 7)), StoreError);
  assert.throws(() => decodeCursor('p', encodeCursor('a', 7)), StoreError);
});

test('a cursor that is not one of ours names itself in the error', () => {
  for (const bad of [
    '',
    'xyz',
    Buffer.from('p:-1').toString('base64url'),
    Buffer.from('p:1e3').toString('base64url'),
  ]) {
    assert.throws(
      () => decodeCursor('p', bad),
      (error: unknown) => {
        assert.ok(error instanceof StoreError);
        assert.match(
          error.message,
          new RegExp(`invalid cursor ${JSON.stringify(JSON.stringify(bad)).slice(1, -1)}`),
        );
        return true;
      },
    );
  }
});
