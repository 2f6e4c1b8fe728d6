import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import { ConfigError } from '../config/config-error.ts';
import { StoreError, StoreErrorCode } from '../store/store-error.ts';
import { HttpError, HttpErrorCode, toErrorResponse } from './errors.ts';

const map = (err: unknown) => toErrorResponse(err, 'req-1', 65536);

test('TriggerErrors keep their status, code and fields', () => {
  const err = new TriggerError(TriggerErrorCode.MissingValues, 'missing GIT_COMMIT', {
    fields: ['GIT_COMMIT'],
  });
  assert.deepEqual(map(err), {
    status: 400,
    body: { code: TriggerErrorCode.MissingValues, message: 'missing GIT_COMMIT', fields: ['GIT_COMMIT'] },
    internal: false,
  });
  assert.deepEqual(map(new TriggerError(TriggerErrorCode.BadSignature, 'no')).body, {
    code: TriggerErrorCode.BadSignature,
    message: 'no',
  });
});

test('any FerryError with a numeric status (PromotionError) is answered with it', () => {
  const promotionError = Object.assign(
    new FerryError('FERRY_E_PROMOTION_NOT_FOUND', 'source tag not found'),
    {
      status: 404,
      fields: ['source.tag'],
    },
  );
  assert.deepEqual(map(promotionError), {
    status: 404,
    body: { code: 'FERRY_E_PROMOTION_NOT_FOUND', message: 'source tag not found', fields: ['source.tag'] },
    internal: false,
  });
  assert.equal(map(new HttpError(400, HttpErrorCode.BadRequest, 'x')).status, 400);
  // Out-of-range or non-integer statuses are not trusted.
  assert.equal(map(Object.assign(new FerryError('X', 'y'), { status: 200 })).status, 500);
  assert.equal(map(Object.assign(new FerryError('X', 'y'), { status: '404' })).status, 500);
});

test('store not-found and conflict map to 404 and 409; temporary errors to 503', () => {
  assert.equal(map(new StoreError(StoreErrorCode.NotFound, 'gone')).status, 404);
  assert.equal(map(new StoreError(StoreErrorCode.Conflict, 'raced')).status, 409);
  const unavailable = map(
    new StoreError(StoreErrorCode.Unavailable, 'connection refused to db.internal:5432', { temporary: true }),
  );
  assert.equal(unavailable.status, 503);
  assert.equal(unavailable.body.code, HttpErrorCode.Unavailable);
  assert.doesNotMatch(unavailable.body.message, /db\.internal/);
});

test('server-side problems are a bare 500: config errors, plain FerryErrors, bugs', () => {
  for (const err of [
    new ConfigError([
      { path: 'triggers.github.secrets[0]', message: 'cannot read secret file /run/secrets/gh' },
    ]),
    new FerryError('FERRY_E_AUTH_CONFIG', 'Standard Webhooks secret #1 is empty'),
    new TypeError('x is undefined'),
    'a string',
  ]) {
    const response = map(err);
    assert.equal(response.status, 500);
    assert.equal(response.internal, true);
    assert.deepEqual(response.body, {
      code: HttpErrorCode.Internal,
      message: 'internal error; the server log has the details (request req-1)',
    });
  }
});

test("Fastify's client errors get ferry codes", () => {
  const fst = (code: string, statusCode: number, message: string) =>
    Object.assign(new Error(message), { code, statusCode });
  assert.deepEqual(map(fst('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large')).body, {
    code: TriggerErrorCode.BodyTooLarge,
    message: 'request body is larger than the limit of 65536 bytes',
  });
  assert.equal(
    map(fst('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'Unsupported Media Type')).body.code,
    TriggerErrorCode.UnsupportedMediaType,
  );
  assert.deepEqual(
    map(fst('FST_ERR_BAD_URL', 400, "'/hooks/openshift/s%zz' is not a valid url component")).body,
    {
      code: HttpErrorCode.BadRequest,
      message: 'the request URL is not valid',
    },
  );
  assert.equal(map(fst('FST_ERR_SOMETHING', 500, 'x')).status, 500);
});
