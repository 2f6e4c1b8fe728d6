import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findChallenge, parseBearerError, parseChallenges } from './challenge.ts';

describe('parseChallenges', () => {
  test('Docker Hub bearer challenge', () => {
    const [c, ...rest] = parseChallenges(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
    );
    assert.equal(rest.length, 0);
    assert.deepEqual(c, {
      scheme: 'bearer',
      params: {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:samalba/my-app:pull,push',
      },
    });
  });

  test('basic challenge, case-insensitive scheme and param names', () => {
    assert.deepEqual(parseChallenges('BASIC Realm="Registry Realm"'), [
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
    ]);
  });

  test('quoted commas, spaces and escapes stay inside the value', () => {
    const [c] = parseChallenges('Bearer realm="a, b", scope="x y", note="say \\"hi\\" \\\\ ok"');
    assert.deepEqual(c?.params, { realm: 'a, b', scope: 'x y', note: 'say "hi" \\ ok' });
  });

  test('optional whitespace around "=" and between params (BWS/OWS)', () => {
    const [c] = parseChallenges('Bearer   realm = "r" ,\tservice=s ,scope="p"');
    assert.deepEqual(c?.params, { realm: 'r', service: 's', scope: 'p' });
  });

  test('unquoted values may contain URL characters', () => {
    const [c] = parseChallenges('Bearer realm=https://quay.io/v2/auth,service=quay.io');
    assert.deepEqual(c?.params, { realm: 'https://quay.io/v2/auth', service: 'quay.io' });
  });

  test('several challenges in one header value', () => {
    const cs = parseChallenges(
      'Basic realm="basic", Bearer realm="https://t/token",service="svc", Negotiate',
    );
    assert.deepEqual(
      cs.map((c) => c.scheme),
      ['basic', 'bearer', 'negotiate'],
    );
    assert.deepEqual(cs[1]?.params, { realm: 'https://t/token', service: 'svc' });
    assert.deepEqual(cs[2]?.params, {});
  });

  test('several header values, in order', () => {
    const cs = parseChallenges(['Basic realm="x"', 'Bearer realm="y"']);
    assert.deepEqual(
      cs.map((c) => [c.scheme, c.params['realm']]),
      [
        ['basic', 'x'],
        ['bearer', 'y'],
      ],
    );
  });

  test('token68', () => {
    const cs = parseChallenges('Negotiate YIIB==, Basic realm="r"');
    assert.equal(cs[0]?.scheme, 'negotiate');
    assert.equal(cs[0]?.token68, 'YIIB==');
    assert.deepEqual(cs[1]?.params, { realm: 'r' });
  });

  test('bare scheme, empty input and missing header', () => {
    assert.deepEqual(parseChallenges('Bearer'), [{ scheme: 'bearer', params: {} }]);
    assert.deepEqual(parseChallenges(''), []);
    assert.deepEqual(parseChallenges('  ,  , '), []);
    assert.deepEqual(parseChallenges(undefined), []);
    assert.deepEqual(parseChallenges(null), []);
    assert.deepEqual(parseChallenges([]), []);
  });

  test('empty quoted value and missing params', () => {
    const [c] = parseChallenges('Bearer realm="",service="s"');
    assert.equal(c?.params['scope'], undefined);
    assert.deepEqual(c?.params, { realm: '', service: 's' });
  });

  test('lenient with malformed input', () => {
    // Unterminated quote runs to the end.
    assert.deepEqual(parseChallenges('Bearer realm="https://x/token')[0]?.params, {
      realm: 'https://x/token',
    });
    // Garbage elements are skipped; what can be parsed is kept.
    const cs = parseChallenges('"junk", Bearer realm="r", =oops, service="s"');
    assert.deepEqual(cs, [{ scheme: 'bearer', params: { realm: 'r', service: 's' } }]);
  });

  test('first occurrence of a repeated param wins; names like __proto__ are plain data', () => {
    const [c] = parseChallenges('Bearer realm="first", realm="second", __proto__="p"');
    assert.equal(c?.params['realm'], 'first');
    assert.equal(Object.getOwnPropertyDescriptor(c?.params, '__proto__')?.value, 'p');
    assert.equal(Object.getPrototypeOf(c?.params), Object.prototype);
  });

  test('results are frozen', () => {
    const [c] = parseChallenges('Bearer realm="r"');
    assert.ok(Object.isFrozen(c));
    assert.ok(Object.isFrozen(c?.params));
  });

  test('findChallenge', () => {
    const cs = parseChallenges('Basic realm="a", Bearer realm="b"');
    assert.equal(findChallenge(cs, 'Bearer')?.params['realm'], 'b');
    assert.equal(findChallenge(cs, 'digest'), undefined);
  });
});

describe('parseBearerError', () => {
  test('insufficient_scope', () => {
    const [c] = parseChallenges(
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push",error="insufficient_scope"',
    );
    assert.deepEqual(parseBearerError(c?.params ?? {}), {
      error: 'insufficient_scope',
      scope: 'repository:samalba/my-app:pull,push',
      insufficientScope: true,
    });
  });

  test('invalid_token with description', () => {
    const [c] = parseChallenges(
      'Bearer realm="r", error="invalid_token", error_description="The access token expired"',
    );
    assert.deepEqual(parseBearerError(c?.params ?? {}), {
      error: 'invalid_token',
      description: 'The access token expired',
      insufficientScope: false,
    });
  });

  test('no error param', () => {
    assert.equal(parseBearerError({ realm: 'r' }), undefined);
    assert.equal(parseBearerError({ error: '' }), undefined);
  });
});
