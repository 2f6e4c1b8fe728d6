import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { ANONYMOUS } from './credential.ts';
import {
  basicCredential,
  bearerCredential,
  describeCredential,
  identityTokenCredential,
} from './credential-values.ts';

const SECRET = 'hunter2-SECRET';

test('credentials carry their secret but never render it', () => {
  const values = [
    basicCredential('bob', SECRET),
    bearerCredential(SECRET),
    identityTokenCredential(SECRET, 'bob'),
    identityTokenCredential(SECRET),
  ];
  for (const value of values) {
    assert.ok(Object.isFrozen(value));
    for (const rendered of [
      inspect(value),
      inspect({ nested: { value } }, { depth: 10 }),
      JSON.stringify(value),
      JSON.stringify({ nested: [value] }),
      String(value),
      `${value}`,
      describeCredential(value),
    ]) {
      assert.doesNotMatch(rendered, /hunter2/, rendered);
    }
  }
});

test('the values are still usable', () => {
  const basic = basicCredential('bob', SECRET);
  assert.equal(basic.kind, 'basic');
  assert.equal(basic.kind === 'basic' && basic.password, SECRET);
  assert.deepEqual(Object.keys(basic), ['kind', 'username', 'password']);
  const token = identityTokenCredential(SECRET);
  assert.deepEqual(Object.keys(token), ['kind', 'refreshToken']);
  assert.match(inspect(basic), /bob/);
  assert.match(JSON.stringify(basic), /"password":"<redacted>"/);
});

test('describeCredential', () => {
  assert.equal(describeCredential(ANONYMOUS), 'anonymous');
  assert.equal(describeCredential(basicCredential('bob', 'x')), 'basic (user "bob")');
  assert.equal(describeCredential(bearerCredential('x')), 'bearer token');
  assert.equal(describeCredential(identityTokenCredential('x', 'u')), 'identity token (user "u")');
});
