import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeReturnTo } from './sign-in.ts';

test('safeReturnTo keeps paths on this server', () => {
  assert.equal(safeReturnTo('/promotions'), '/promotions');
  assert.equal(safeReturnTo('/promotions/1?status=failed#top'), '/promotions/1?status=failed#top');
  assert.equal(safeReturnTo('/a/../b'), '/b');
});

test('safeReturnTo turns everything that could leave the server into /', () => {
  for (const hostile of [
    undefined,
    null,
    '',
    'https://evil.example/',
    'evil.example',
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    '/\tevil',
    'javascript:alert(1)',
    `/${'a'.repeat(3000)}`,
    '///evil.example',
  ]) {
    assert.equal(safeReturnTo(hostile), '/', String(hostile));
  }
});
