import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseBooleanFlags, parseBool } from './bool-flags.ts';

test('bare pflag booleans and their short forms become --flag=true; values and positionals are kept', () => {
  assert.deepEqual(
    normaliseBooleanFlags([
      '-q',
      '--src-tls-verify',
      'docker://a/b:c',
      '--dest-tls-verify=false',
      '-a',
      '--',
      '-q',
    ]),
    [
      '--quiet=true',
      '--src-tls-verify=true',
      'docker://a/b:c',
      '--dest-tls-verify=false',
      '--all=true',
      '--',
      '-q',
    ],
  );
});

test('parseBool accepts pflag spellings and rejects the rest', () => {
  assert.equal(parseBool('FALSE'), false);
  assert.equal(parseBool('1'), true);
  assert.throws(() => parseBool('docker://x'), /expected true or false/);
});
