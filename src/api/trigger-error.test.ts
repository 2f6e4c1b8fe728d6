import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FerryError } from '../errors/ferry-error.ts';
import { isTriggerError, TRIGGER_ERROR_STATUS, TriggerError, TriggerErrorCode } from './trigger-error.ts';

test('every code is FERRY_E_TRIGGER_*, unique, and has a 4xx status', () => {
  const codes = Object.values(TriggerErrorCode);
  assert.equal(new Set(codes).size, codes.length);
  for (const code of codes) {
    assert.match(code, /^FERRY_E_TRIGGER_[A-Z_]+$/);
    assert.ok([400, 401, 403, 409, 413, 415].includes(TRIGGER_ERROR_STATUS[code]), code);
  }
});

test('status follows the code', () => {
  const cases = [
    [TriggerErrorCode.MalformedBody, 400],
    [TriggerErrorCode.InvalidBody, 400],
    [TriggerErrorCode.MissingValues, 400],
    [TriggerErrorCode.BadHeader, 400],
    [TriggerErrorCode.BadSignature, 401],
    [TriggerErrorCode.StaleTimestamp, 401],
    [TriggerErrorCode.Unauthorized, 401],
    [TriggerErrorCode.Forbidden, 403],
    [TriggerErrorCode.DuplicateDelivery, 409],
    [TriggerErrorCode.BodyTooLarge, 413],
    [TriggerErrorCode.UnsupportedMediaType, 415],
  ] as const;
  assert.equal(cases.length, Object.keys(TriggerErrorCode).length);
  for (const [code, status] of cases) assert.equal(new TriggerError(code, 'x').status, status);
});

test('is a FerryError with fields, cause, and a response body of exactly code and message', () => {
  const cause = new Error('inner detail that must not be sent');
  const err = new TriggerError(TriggerErrorCode.MissingValues, 'missing IMAGE_NAME', {
    fields: ['IMAGE_NAME'],
    cause,
  });
  assert.ok(err instanceof FerryError);
  assert.ok(isTriggerError(err));
  assert.ok(!isTriggerError(new FerryError('FERRY_E_IO', 'x')));
  assert.equal(err.name, 'TriggerError');
  assert.equal(err.cause, cause);
  assert.equal(err.temporary, false);
  assert.deepEqual(err.fields, ['IMAGE_NAME']);
  assert.ok(Object.isFrozen(err.fields));
  assert.deepEqual(err.toResponseBody(), {
    code: 'FERRY_E_TRIGGER_MISSING_VALUES',
    message: 'missing IMAGE_NAME',
  });
  assert.deepEqual(new TriggerError(TriggerErrorCode.Forbidden, 'no').fields, []);
});
