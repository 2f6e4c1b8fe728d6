import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import { ErrorCode } from '../../errors/codes.ts';
import { signGithubPayload, verifyGithubSignature } from './github-signature.ts';

// Test vector from GitHub's "Validating webhook deliveries" documentation.
const GITHUB_SECRET = "It's a Secret to Everybody";
const GITHUB_BODY = 'Hello, World!';
const GITHUB_SIGNATURE = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

function rejects(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof TriggerError);
    assert.equal(err.code, TriggerErrorCode.BadSignature);
    assert.equal(err.status, 401);
    assert.match(err.message, message);
    assert.doesNotMatch(err.message, /Secret to Everybody|757107ea/);
    return true;
  });
}

describe('GitHub-style X-Hub-Signature-256', () => {
  test("signGithubPayload reproduces GitHub's documented vector", () => {
    assert.equal(signGithubPayload(GITHUB_SECRET, GITHUB_BODY), GITHUB_SIGNATURE);
    assert.equal(signGithubPayload(GITHUB_SECRET, Buffer.from(GITHUB_BODY)), GITHUB_SIGNATURE);
  });

  test('verifies the documented vector', () => {
    assert.deepEqual(
      verifyGithubSignature({
        header: GITHUB_SIGNATURE,
        rawBody: Buffer.from(GITHUB_BODY),
        secrets: [GITHUB_SECRET],
      }),
      { secretIndex: 0 },
    );
  });

  test('accepts uppercase hex, surrounding whitespace, and a rotated secret', () => {
    const upper = `sha256=${GITHUB_SIGNATURE.slice(7).toUpperCase()}`;
    const result = verifyGithubSignature({
      header: ` ${upper} `,
      rawBody: Buffer.from(GITHUB_BODY),
      secrets: ['old secret', GITHUB_SECRET],
    });
    assert.equal(result.secretIndex, 1);
  });

  test('agrees with an independent HMAC over arbitrary bytes', () => {
    const body = Buffer.from([0, 1, 2, 0xff, 0x7b]);
    const header = `sha256=${createHmac('sha256', 'k').update(body).digest('hex')}`;
    assert.equal(verifyGithubSignature({ header, rawBody: body, secrets: ['k'] }).secretIndex, 0);
  });

  test('401 for a changed body or a wrong secret', () => {
    rejects(
      () =>
        verifyGithubSignature({
          header: GITHUB_SIGNATURE,
          rawBody: Buffer.from('Hello, World?'),
          secrets: [GITHUB_SECRET],
        }),
      /matches no configured secret/,
    );
    rejects(
      () =>
        verifyGithubSignature({
          header: GITHUB_SIGNATURE,
          rawBody: Buffer.from(GITHUB_BODY),
          secrets: ['nope'],
        }),
      /matches no configured secret/,
    );
  });

  test('401 for missing or malformed headers (no lenient hex decoding)', () => {
    const body = Buffer.from(GITHUB_BODY);
    rejects(
      () => verifyGithubSignature({ header: undefined, rawBody: body, secrets: [GITHUB_SECRET] }),
      /missing/,
    );
    rejects(
      () => verifyGithubSignature({ header: '  ', rawBody: body, secrets: [GITHUB_SECRET] }),
      /missing/,
    );
    for (const header of [
      GITHUB_SIGNATURE.slice(7),
      `sha1=${GITHUB_SIGNATURE.slice(7)}`,
      `${GITHUB_SIGNATURE}00`,
      GITHUB_SIGNATURE.slice(0, -1),
      // Buffer.from(hex) stops at the first non-hex character; the trailing "zz" must not be ignored.
      `${GITHUB_SIGNATURE.slice(0, -2)}zz`,
    ]) {
      rejects(
        () => verifyGithubSignature({ header, rawBody: body, secrets: [GITHUB_SECRET] }),
        /64 hex digits/,
      );
    }
  });

  test('no secrets, or an empty one, is a config error', () => {
    for (const secrets of [[], ['']]) {
      assert.throws(
        () => verifyGithubSignature({ header: GITHUB_SIGNATURE, rawBody: Buffer.from(GITHUB_BODY), secrets }),
        { code: ErrorCode.AuthConfig },
      );
    }
  });
});
