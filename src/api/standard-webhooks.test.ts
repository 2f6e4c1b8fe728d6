import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { ErrorCode } from '../errors/codes.ts';
import { hasControlCharacter } from '../reference/display-value.ts';
import {
  DEFAULT_TOLERANCE_SECONDS,
  signStandardWebhook,
  standardWebhookKey,
  verifyStandardWebhook,
} from './standard-webhooks.ts';
import { TriggerError, TriggerErrorCode } from './trigger-error.ts';

// Published test vector of the Standard Webhooks reference libraries (standard-webhooks/standard-webhooks,
// also svix's test suites).
const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const SPEC_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const SPEC_TIMESTAMP = 1614265330;
const SPEC_BODY = '{"test": 2432232314}';
const SPEC_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const SPEC_NOW = new Date(SPEC_TIMESTAMP * 1000);

/** Independent implementation, written straight from the spec. */
function referenceSign(keyBytes: Buffer, id: string, timestamp: number, body: Buffer): string {
  const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]);
  return `v1,${createHmac('sha256', keyBytes).update(content).digest('base64')}`;
}

function headers(signature: string, id = SPEC_ID, timestamp: string | number = SPEC_TIMESTAMP) {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

function verifySpec(overrides: Partial<Parameters<typeof verifyStandardWebhook>[0]> = {}) {
  return verifyStandardWebhook({
    headers: headers(SPEC_SIGNATURE),
    rawBody: Buffer.from(SPEC_BODY),
    secrets: [SPEC_SECRET],
    now: SPEC_NOW,
    ...overrides,
  });
}

function expectError(fn: () => unknown, code: string, status: number, message?: RegExp): TriggerError {
  let caught: unknown;
  assert.throws(fn, (err) => {
    caught = err;
    return true;
  });
  assert.ok(caught instanceof TriggerError, `expected TriggerError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  assert.equal(caught.status, status);
  if (message !== undefined) assert.match(caught.message, message);
  return caught;
}

describe('signStandardWebhook', () => {
  test('reproduces the published Standard Webhooks test vector', () => {
    assert.equal(signStandardWebhook(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY), SPEC_SIGNATURE);
  });

  test('matches an independent HMAC for whsec_ and raw secrets, string and byte bodies', () => {
    const body = Buffer.from('{"type":"promotion.requested","data":{"image":"team-a/app","tag":"abc123"}}');
    const raw = 'plain-secret-used-as-utf8-bytes';
    assert.equal(
      signStandardWebhook(raw, 'msg_1', 1700000000, body),
      referenceSign(Buffer.from(raw), 'msg_1', 1700000000, body),
    );
    const keyBytes = Buffer.from('0123456789abcdef0123456789abcdef');
    const whsec = `whsec_${keyBytes.toString('base64')}`;
    assert.equal(
      signStandardWebhook(whsec, 'msg_1', 1700000000, body.toString()),
      referenceSign(keyBytes, 'msg_1', 1700000000, body),
    );
  });

  test('signs the raw bytes, including bytes that are not UTF-8', () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    assert.equal(signStandardWebhook('k', 'id', 1, body), referenceSign(Buffer.from('k'), 'id', 1, body));
    assert.notEqual(
      signStandardWebhook('k', 'id', 1, body),
      signStandardWebhook('k', 'id', 1, body.toString()),
    );
  });

  test('refuses ids and timestamps that could not be verified', () => {
    assert.throws(() => signStandardWebhook('k', '', 1, ''), { code: ErrorCode.BadUsage });
    assert.throws(() => signStandardWebhook('k', 'has space', 1, ''), { code: ErrorCode.BadUsage });
    assert.throws(() => signStandardWebhook('k', 'id', -1, ''), { code: ErrorCode.BadUsage });
    assert.throws(() => signStandardWebhook('k', 'id', 1.5, ''), { code: ErrorCode.BadUsage });
  });
});

describe('standardWebhookKey', () => {
  test('decodes whsec_ secrets and takes others as UTF-8', () => {
    assert.deepEqual(standardWebhookKey('whsec_aGVsbG8='), Buffer.from('hello'));
    assert.deepEqual(standardWebhookKey('hello'), Buffer.from('hello'));
  });

  test('a whsec_ secret that is not base64 is a config error that does not echo the secret', () => {
    for (const bad of ['whsec_', 'whsec_not base64!', 'whsec_abc']) {
      assert.throws(
        () => standardWebhookKey(bad),
        (err: Error & { code?: string }) =>
          err.code === ErrorCode.AuthConfig && !err.message.includes(bad.slice(6) || 'whsec_x'),
      );
    }
  });
});

describe('verifyStandardWebhook', () => {
  test('accepts the published test vector and returns id and timestamp', () => {
    assert.deepEqual(verifySpec(), { id: SPEC_ID, timestamp: SPEC_TIMESTAMP, secretIndex: 0 });
  });

  test('accepts a WHATWG Headers object and mixed-case record keys', () => {
    const h = new Headers(headers(SPEC_SIGNATURE));
    assert.equal(verifySpec({ headers: h }).id, SPEC_ID);
    assert.equal(
      verifySpec({
        headers: {
          'Webhook-Id': SPEC_ID,
          'WEBHOOK-TIMESTAMP': String(SPEC_TIMESTAMP),
          'Webhook-Signature': SPEC_SIGNATURE,
        },
      }).id,
      SPEC_ID,
    );
  });

  test('accepts any matching entry of a space-separated list, skipping other versions and junk', () => {
    const list = `v1a,c29tZXRoaW5nZWxzZQ== v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= garbage  ${SPEC_SIGNATURE}`;
    assert.equal(verifySpec({ headers: headers(list) }).id, SPEC_ID);
  });

  test('accepts a signature split over repeated header lines', () => {
    const h = {
      ...headers(''),
      'webhook-signature': ['v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', SPEC_SIGNATURE],
    };
    assert.equal(verifySpec({ headers: h }).id, SPEC_ID);
  });

  test('key rotation: any configured secret may match, and the index says which', () => {
    const result = verifySpec({ secrets: ['whsec_b2xkLXNlY3JldC1vbGQtc2VjcmV0', SPEC_SECRET] });
    assert.equal(result.secretIndex, 1);
    const other = 'whsec_MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0';
    const sig = signStandardWebhook(other, 'msg_2', SPEC_TIMESTAMP, SPEC_BODY);
    const r2 = verifySpec({
      headers: headers(`${SPEC_SIGNATURE} ${sig}`, 'msg_2'),
      secrets: [SPEC_SECRET, other],
    });
    assert.equal(r2.secretIndex, 1);
  });

  test('401 when the body, id or timestamp was changed after signing', () => {
    expectError(
      () => verifySpec({ rawBody: Buffer.from('{"test": 2432232315}') }),
      TriggerErrorCode.BadSignature,
      401,
      /no webhook-signature matches/,
    );
    expectError(
      () => verifySpec({ headers: headers(SPEC_SIGNATURE, 'msg_other') }),
      TriggerErrorCode.BadSignature,
      401,
    );
    expectError(
      () => verifySpec({ headers: headers(SPEC_SIGNATURE, SPEC_ID, SPEC_TIMESTAMP + 1) }),
      TriggerErrorCode.BadSignature,
      401,
    );
  });

  test('401 with a wrong secret, and the message never contains secrets or expected signatures', () => {
    const err = expectError(
      () => verifySpec({ secrets: ['whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA=='] }),
      TriggerErrorCode.BadSignature,
      401,
    );
    assert.doesNotMatch(err.message, /whsec|d3Jvbmc|g0hM9S/);
    assert.deepEqual(err.toResponseBody(), { code: 'FERRY_E_TRIGGER_BAD_SIGNATURE', message: err.message });
  });

  test('401 for a missing, empty or malformed signature header', () => {
    const { 'webhook-signature': _omitted, ...noSignature } = headers(SPEC_SIGNATURE);
    expectError(
      () => verifySpec({ headers: noSignature }),
      TriggerErrorCode.BadSignature,
      401,
      /missing header webhook-signature/,
    );
    expectError(() => verifySpec({ headers: headers('   ') }), TriggerErrorCode.BadSignature, 401, /missing/);
    for (const bad of [
      'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      'v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1O=',
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE',
      'v1,g0hM9SsE*OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    ]) {
      expectError(
        () => verifySpec({ headers: headers(bad) }),
        TriggerErrorCode.BadSignature,
        401,
        /no well-formed/,
      );
    }
  });

  test('a signature with junk characters that lenient base64 decoding would skip is refused', () => {
    // Buffer.from(…, 'base64') ignores '!' — the strict format check must not.
    const tampered = SPEC_SIGNATURE.replace('g0hM', 'g0!hM').slice(0, -1);
    expectError(() => verifySpec({ headers: headers(tampered) }), TriggerErrorCode.BadSignature, 401);
  });

  test('400 naming every missing id/timestamp header', () => {
    const err = expectError(
      () => verifySpec({ headers: { 'webhook-signature': SPEC_SIGNATURE } }),
      TriggerErrorCode.BadHeader,
      400,
      /missing headers webhook-id, webhook-timestamp/,
    );
    assert.deepEqual(err.fields, ['webhook-id', 'webhook-timestamp']);
    expectError(
      () => verifySpec({ headers: { 'webhook-id': SPEC_ID, 'webhook-signature': SPEC_SIGNATURE } }),
      TriggerErrorCode.BadHeader,
      400,
      /missing header webhook-timestamp$/,
    );
  });

  test('400 for malformed timestamps and ids, with the value escaped', () => {
    for (const bad of ['1614265330.5', '-1614265330', '1e9', 'abc', '9999999999999']) {
      expectError(
        () => verifySpec({ headers: headers(SPEC_SIGNATURE, SPEC_ID, bad) }),
        TriggerErrorCode.BadHeader,
        400,
        /not an integer/,
      );
    }
    const err = expectError(
      () => verifySpec({ headers: headers(SPEC_SIGNATURE, 'msg\u0000\u001b[31mred') }),
      TriggerErrorCode.BadHeader,
      400,
      /webhook-id/,
    );
    assert.ok(!hasControlCharacter(err.message), err.message);
  });

  test('400 when webhook-id arrives twice with different values', () => {
    const h = { ...headers(SPEC_SIGNATURE), 'webhook-id': [SPEC_ID, 'msg_other'] };
    expectError(() => verifySpec({ headers: h }), TriggerErrorCode.BadHeader, 400, /more than once/);
  });

  test('timestamp window: exactly the tolerance passes, one second more fails naming the skew', () => {
    const tolerance = DEFAULT_TOLERANCE_SECONDS;
    assert.equal(verifySpec({ now: new Date((SPEC_TIMESTAMP + tolerance) * 1000) }).id, SPEC_ID);
    assert.equal(verifySpec({ now: new Date((SPEC_TIMESTAMP - tolerance) * 1000) }).id, SPEC_ID);
    expectError(
      () => verifySpec({ now: new Date((SPEC_TIMESTAMP + tolerance + 1) * 1000) }),
      TriggerErrorCode.StaleTimestamp,
      401,
      /301 s in the past \(tolerance 300 s\)/,
    );
    expectError(
      () => verifySpec({ now: new Date((SPEC_TIMESTAMP - 3600) * 1000) }),
      TriggerErrorCode.StaleTimestamp,
      401,
      /3600 s in the future/,
    );
  });

  test('the tolerance is configurable and the default is now', () => {
    expectError(
      () => verifySpec({ now: new Date((SPEC_TIMESTAMP + 11) * 1000), toleranceSeconds: 10 }),
      TriggerErrorCode.StaleTimestamp,
      401,
    );
    // The 2021 vector is far outside the window of the real clock.
    expectError(() => verifySpec({ now: undefined }), TriggerErrorCode.StaleTimestamp, 401);
    const now = Math.floor(Date.now() / 1000);
    const sig = signStandardWebhook(SPEC_SECRET, 'msg_now', now, SPEC_BODY);
    assert.equal(verifySpec({ headers: headers(sig, 'msg_now', now), now: undefined }).timestamp, now);
  });

  test('a stale timestamp is reported even with a bad signature (checked first, as the reference libraries do)', () => {
    expectError(
      () =>
        verifySpec({ headers: headers('v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='), now: new Date(0) }),
      TriggerErrorCode.StaleTimestamp,
      401,
    );
  });

  test('no secrets, or an empty one, is a server config error, not a 4xx', () => {
    for (const secrets of [[], [''], [SPEC_SECRET, '']]) {
      assert.throws(
        () => verifySpec({ secrets }),
        (err) => !(err instanceof TriggerError) && (err as { code?: string }).code === ErrorCode.AuthConfig,
      );
    }
  });
});
