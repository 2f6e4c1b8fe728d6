import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FerryError } from '../errors/ferry-error.ts';
import { errorCodeOf, isTlsProtocolMismatch, wrapNetworkError } from './network-error.ts';

/** An Error with a Node-style string `code`, optionally wrapped the way undici/fetch wrap socket errors. */
function sysError(code: string, message = `${code} happened`): Error {
  return Object.assign(new Error(message), { code });
}

const URL_SHOWN = 'https://reg.example/v2/app/manifests/v1';

describe('errorCodeOf', () => {
  test('finds a string code on the error or down its cause chain, skipping FERRY_E_ codes', () => {
    assert.equal(errorCodeOf(sysError('ECONNRESET')), 'ECONNRESET');
    assert.equal(errorCodeOf(new TypeError('fetch failed', { cause: sysError('ENOTFOUND') })), 'ENOTFOUND');
    assert.equal(errorCodeOf(new FerryError('FERRY_E_NETWORK', 'x', { cause: sysError('EPIPE') })), 'EPIPE');
    assert.equal(errorCodeOf(new Error('plain')), undefined);
    assert.equal(errorCodeOf('string'), undefined);
    assert.equal(errorCodeOf(undefined), undefined);
  });
});

describe('wrapNetworkError', () => {
  test('TLS verification codes → FERRY_E_TLS with a hint, not temporary', () => {
    for (const code of [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      'CERT_HAS_EXPIRED',
      'ERR_TLS_CERT_ALTNAME_INVALID',
    ]) {
      const cause = new TypeError('fetch failed', { cause: sysError(code) });
      const err = wrapNetworkError(cause, 'GET', URL_SHOWN);
      assert.equal(err.code, 'FERRY_E_TLS', code);
      assert.equal(err.temporary, false);
      assert.ok(err.message.startsWith(`GET ${URL_SHOWN}: `), err.message);
      assert.ok(err.message.includes(code));
      assert.match(err.message, /--src-cert-dir\/--dest-cert-dir/);
      assert.match(err.message, /tls-verify=false/);
      assert.equal(err.cause, cause);
    }
  });

  test('ECONNRESET and friends → FERRY_E_NETWORK, temporary, naming the code', () => {
    for (const code of [
      'ECONNRESET',
      'ECONNREFUSED',
      'EPIPE',
      'EAI_AGAIN',
      'UND_ERR_SOCKET',
      'ERR_STREAM_PREMATURE_CLOSE',
    ]) {
      const err = wrapNetworkError(sysError(code, 'socket hang up'), 'PUT', URL_SHOWN);
      assert.equal(err.code, 'FERRY_E_NETWORK', code);
      assert.equal(err.temporary, true, code);
      assert.equal(err.message, `PUT ${URL_SHOWN}: socket hang up (${code})`);
    }
  });

  test('timeouts → FERRY_E_TIMEOUT, temporary', () => {
    for (const code of [
      'ETIMEDOUT',
      'UND_ERR_CONNECT_TIMEOUT',
      'UND_ERR_HEADERS_TIMEOUT',
      'UND_ERR_BODY_TIMEOUT',
    ]) {
      const err = wrapNetworkError(sysError(code), 'GET', URL_SHOWN);
      assert.equal(err.code, 'FERRY_E_TIMEOUT', code);
      assert.equal(err.temporary, true, code);
    }
  });

  test('aborts with a string code → FERRY_E_ABORTED, not temporary', () => {
    for (const code of ['UND_ERR_ABORTED', 'ABORT_ERR']) {
      const err = wrapNetworkError(sysError(code), 'GET', URL_SHOWN);
      assert.equal(err.code, 'FERRY_E_ABORTED', code);
      assert.equal(err.temporary, false);
      assert.equal(err.message, `GET ${URL_SHOWN}: aborted`);
    }
  });

  test('an AbortSignal abort (DOMException AbortError, as undici throws it) → FERRY_E_ABORTED', () => {
    const err = wrapNetworkError(
      new DOMException('This operation was aborted', 'AbortError'),
      'GET',
      URL_SHOWN,
    );
    assert.equal(err.code, 'FERRY_E_ABORTED');
  });

  test('unknown failures → FERRY_E_NETWORK, not temporary, detail kept', () => {
    const err = wrapNetworkError(new Error('weird'), 'GET', URL_SHOWN);
    assert.equal(err.code, 'FERRY_E_NETWORK');
    assert.equal(err.temporary, false);
    assert.equal(err.message, `GET ${URL_SHOWN}: weird (unknown)`);
    assert.equal(
      wrapNetworkError('just a string', 'GET', URL_SHOWN).message,
      `GET ${URL_SHOWN}: just a string (unknown)`,
    );
  });

  test('a FerryError passes through unchanged', () => {
    const original = new FerryError('FERRY_E_DIGEST_MISMATCH', 'bad bytes');
    assert.equal(wrapNetworkError(original, 'GET', URL_SHOWN), original);
  });

  test('the message uses the URL it was given (callers pass it redacted)', () => {
    const err = wrapNetworkError(
      sysError('ECONNRESET', 'reset'),
      'GET',
      'https://reg.example/x?_state=REDACTED',
    );
    assert.equal(err.message, 'GET https://reg.example/x?_state=REDACTED: reset (ECONNRESET)');
  });
});

describe('isTlsProtocolMismatch', () => {
  test('recognises an HTTP server answering a TLS hello', () => {
    assert.equal(
      isTlsProtocolMismatch(
        new TypeError('fetch failed', { cause: sysError('ERR_SSL_WRONG_VERSION_NUMBER') }),
      ),
      true,
    );
    assert.equal(isTlsProtocolMismatch(sysError('EPROTO')), true);
    assert.equal(isTlsProtocolMismatch(sysError('ERR_SSL_PACKET_LENGTH_TOO_LONG')), true);
    assert.equal(isTlsProtocolMismatch(sysError('ECONNRESET')), false);
    assert.equal(isTlsProtocolMismatch(sysError('CERT_HAS_EXPIRED')), false);
  });
});
