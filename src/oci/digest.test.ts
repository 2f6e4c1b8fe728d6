import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { FerryError } from '../errors/ferry-error.ts';
import {
  assertDigest,
  digestAlgorithm,
  digestLike,
  digestToTagPrefix,
  isDigest,
  sha256Digest,
} from './digest.ts';

const bytes = new TextEncoder().encode('hello');
// Well-known digests of "hello".
const HELLO_SHA256 = 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
const HELLO_SHA512 = `sha512:${createHash('sha512').update('hello').digest('hex')}`;

describe('digest helpers', () => {
  test('isDigest accepts sha256 and sha512 only, lowercase hex of the right length', () => {
    assert.equal(isDigest(HELLO_SHA256), true);
    assert.equal(isDigest(HELLO_SHA512), true);
    for (const bad of [
      '',
      'sha256:',
      HELLO_SHA256.toUpperCase(),
      `${HELLO_SHA256}0`,
      HELLO_SHA256.slice(0, -1),
      `sha384:${'a'.repeat(96)}`,
      `md5:${'a'.repeat(32)}`,
      `sha512:${'a'.repeat(64)}`,
      ` ${HELLO_SHA256}`,
      `${HELLO_SHA256}\n`,
    ]) {
      assert.equal(isDigest(bad), false, JSON.stringify(bad));
    }
  });

  test('assertDigest returns the value or throws FERRY_E_BAD_MANIFEST naming the thing', () => {
    assert.equal(assertDigest(HELLO_SHA256, 'layer 0'), HELLO_SHA256);
    assert.throws(
      () => assertDigest('sha256:nothex', 'layer 3'),
      (err: unknown) =>
        err instanceof FerryError &&
        err.code === 'FERRY_E_BAD_MANIFEST' &&
        err.message.includes('layer 3') &&
        err.message.includes('"sha256:nothex"'),
    );
  });

  test('digestAlgorithm', () => {
    assert.equal(digestAlgorithm(HELLO_SHA256), 'sha256');
    assert.equal(digestAlgorithm(HELLO_SHA512), 'sha512');
  });

  test('sha256Digest and digestLike hash with the addressed algorithm', () => {
    assert.equal(sha256Digest(bytes), HELLO_SHA256);
    assert.equal(digestLike(HELLO_SHA256, bytes), HELLO_SHA256);
    assert.equal(digestLike(`sha512:${'0'.repeat(128)}`, bytes), HELLO_SHA512);
  });

  test('digestToTagPrefix replaces the first colon', () => {
    assert.equal(digestToTagPrefix(HELLO_SHA256), HELLO_SHA256.replace('sha256:', 'sha256-'));
  });
});
