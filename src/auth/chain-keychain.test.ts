import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthConfigError, AuthLookupError } from './auth-error.ts';
import { anonymousKeychain, ChainKeychain } from './chain-keychain.ts';
import type { Credential, Keychain } from './credential.ts';
import { ANONYMOUS } from './credential.ts';
import { basicCredential } from './credential-values.ts';

function source(result: Credential | Error, calls: string[], name: string): Keychain {
  return {
    resolve: async (registry) => {
      calls.push(`${name}:${registry}`);
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

test('first non-anonymous source wins and later sources are not consulted', async () => {
  const calls: string[] = [];
  const cred = basicCredential('u', 'p');
  const chain = new ChainKeychain([
    source(ANONYMOUS, calls, 'a'),
    source(cred, calls, 'b'),
    source(basicCredential('x', 'y'), calls, 'c'),
  ]);
  assert.equal(await chain.resolve('quay.io'), cred);
  assert.deepEqual(calls, ['a:quay.io', 'b:quay.io']);
});

test('all anonymous → anonymous; empty chain → anonymous', async () => {
  assert.equal(
    (await new ChainKeychain([anonymousKeychain, anonymousKeychain]).resolve('x')).kind,
    'anonymous',
  );
  assert.equal((await new ChainKeychain([]).resolve('x')).kind, 'anonymous');
  assert.equal((await anonymousKeychain.resolve('x')).kind, 'anonymous');
});

test('a failing source does not block a later one', async () => {
  const calls: string[] = [];
  const cred = basicCredential('u', 'p');
  const chain = new ChainKeychain([
    source(new AuthConfigError('helper broke'), calls, 'a'),
    source(cred, calls, 'b'),
  ]);
  assert.equal(await chain.resolve('quay.io'), cred);
});

test('failures surface when nothing else produced a credential', async () => {
  const only = new AuthConfigError('helper broke');
  await assert.rejects(
    new ChainKeychain([source(only, [], 'a'), anonymousKeychain]).resolve('q'),
    (err) => err === only,
  );
  await assert.rejects(
    new ChainKeychain([
      source(new AuthConfigError('one'), [], 'a'),
      source(new AuthConfigError('two'), [], 'b'),
    ]).resolve('q'),
    (err: unknown) =>
      err instanceof AuthLookupError && /q: one; two/.test(err.message) && err.errors.length === 2,
  );
});
