import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import { checkBodySize, DEFAULT_MAX_BODY_BYTES } from './body-limits.ts';

function isCode(code: string, status: number) {
  return (err: unknown) => err instanceof TriggerError && err.code === code && err.status === status;
}

test('default limit is 64 KiB', () => {
  assert.equal(DEFAULT_MAX_BODY_BYTES, 65536);
});

test('checkBodySize: the limit itself passes, one byte more is 413', () => {
  checkBodySize(new Uint8Array(DEFAULT_MAX_BODY_BYTES));
  assert.throws(
    () => checkBodySize(new Uint8Array(DEFAULT_MAX_BODY_BYTES + 1)),
    isCode(TriggerErrorCode.BodyTooLarge, 413),
  );
  checkBodySize(new Uint8Array(5), 5);
  assert.throws(() => checkBodySize(new Uint8Array(6), 5), isCode(TriggerErrorCode.BodyTooLarge, 413));
});
