import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOneTimeLogins, ONE_TIME_CODE_TTL_MS } from './one-time-login.ts';

test('a one-time code signs in once', () => {
  const logins = createOneTimeLogins();
  const code = logins.issue();
  assert.match(code, /^[A-Za-z0-9_-]{43}$/);
  const id = logins.redeem(code);
  assert.ok(id !== undefined);
  assert.equal(logins.redeem(code), undefined, 'used');
  assert.equal(logins.redeem('not-a-code'), undefined);
});

test('a one-time code expires after 15 minutes', () => {
  let time = 1_000_000;
  const logins = createOneTimeLogins({ now: () => time });
  const code = logins.issue();
  const other = logins.issue();
  time += ONE_TIME_CODE_TTL_MS - 1;
  assert.ok(logins.redeem(other) !== undefined);
  time += 1;
  assert.equal(logins.redeem(code), undefined);
});
