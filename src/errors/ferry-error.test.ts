import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BadReferenceError, ErrorCode, FerryError, hasCode } from './index.ts';

test('FerryError keeps code, cause and temporary flag', () => {
  const cause = new Error('root');
  const err = new FerryError(ErrorCode.Network, 'boom', { cause, temporary: true });
  assert.equal(err.code, 'FERRY_E_NETWORK');
  assert.equal(err.cause, cause);
  assert.equal(err.temporary, true);
  assert.equal(err.name, 'FerryError');
  assert.ok(hasCode(err, ErrorCode.Network));
  assert.ok(!hasCode(new Error('x'), ErrorCode.Network));
});

test('BadReferenceError names the value', () => {
  const err = new BadReferenceError('Foo:bar', 'repository must be lowercase');
  assert.match(err.message, /"Foo:bar"/);
  assert.equal(err.code, 'FERRY_E_BAD_REFERENCE');
  assert.equal(err.name, 'BadReferenceError');
});
