import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import {
  checkBodySize,
  checkContentLength,
  DEFAULT_MAX_BODY_BYTES,
  readBodyWithLimit,
} from './body-limits.ts';

function isCode(code: string, status: number) {
  return (err: unknown) => err instanceof TriggerError && err.code === code && err.status === status;
}

test('default limit is 64 KiB', () => {
  assert.equal(DEFAULT_MAX_BODY_BYTES, 65536);
});

test('checkContentLength: absent or within the limit passes, above is 413, garbage is 400', () => {
  checkContentLength(undefined);
  checkContentLength('0');
  checkContentLength(String(DEFAULT_MAX_BODY_BYTES));
  checkContentLength(' 10 ', 10);
  assert.throws(
    () => checkContentLength(String(DEFAULT_MAX_BODY_BYTES + 1)),
    isCode(TriggerErrorCode.BodyTooLarge, 413),
  );
  assert.throws(() => checkContentLength('11', 10), /larger than the limit of 10 bytes \(11 bytes\)/);
  for (const bad of ['-1', '1.5', '1e3', 'ten', '', '12345678901234567890']) {
    assert.throws(() => checkContentLength(bad), isCode(TriggerErrorCode.BadHeader, 400), bad);
  }
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

test('readBodyWithLimit concatenates chunks and stops at the first chunk over the limit', async () => {
  assert.deepEqual(
    await readBodyWithLimit(Readable.from([Buffer.from('ab'), 'cd', new Uint8Array([0x65])])),
    Buffer.from('abcde'),
  );
  assert.deepEqual(await readBodyWithLimit(Readable.from([Buffer.from('abcde')]), 5), Buffer.from('abcde'));
  let pulled = 0;
  async function* endless() {
    for (;;) {
      pulled++;
      yield Buffer.alloc(1024);
    }
  }
  await assert.rejects(readBodyWithLimit(endless(), 4096), isCode(TriggerErrorCode.BodyTooLarge, 413));
  await assert.rejects(
    readBodyWithLimit(endless(), 4096),
    /^TriggerError: request body is larger than the limit of 4096 bytes$/,
  );
  assert.equal(pulled, 10);
});
