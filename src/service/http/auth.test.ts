import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiErrorCode } from '../../api/api-error-codes.ts';
import { tokenIdentity } from '../config/identity.ts';
import { bearerToken, requireAllowed } from './auth.ts';
import { HttpError } from './errors.ts';

test('bearerToken reads RFC 6750 credentials, case-insensitively, and nothing else', () => {
  assert.equal(bearerToken('Bearer abc.DEF-123_~+/='), 'abc.DEF-123_~+/=');
  assert.equal(bearerToken('bearer   abc  '), 'abc');
  for (const header of [
    undefined,
    '',
    'Bearer',
    'Bearer ',
    'Basic abc',
    'Bearer a b',
    'Bearerabc',
    'Bearer a,b',
  ]) {
    assert.equal(bearerToken(header), undefined, String(header));
  }
});

test('requireAllowed: role first, then rule scope', () => {
  const scoped = tokenIdentity({ name: 'payments-ci', role: 'promoter', promotions: ['payments'] });
  requireAllowed(scoped, 'promote');
  requireAllowed(scoped, 'promote', 'payments');
  const forbidden = (fn: () => void, message: RegExp) =>
    assert.throws(
      fn,
      (err) =>
        err instanceof HttpError &&
        err.status === 403 &&
        err.code === ApiErrorCode.Forbidden &&
        message.test(err.message),
    );
  forbidden(
    () => requireAllowed(scoped, 'promote', 'team-a'),
    /payments-ci.*promote for promotion rule "team-a"/,
  );
  forbidden(() => requireAllowed(scoped, 'approve'), /role promoter\) may not approve/);
  requireAllowed(tokenIdentity({ name: 'carol', role: 'admin' }), 'approve', 'anything');
});
