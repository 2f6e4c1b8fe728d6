import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseBooleanFlags, parseBool } from './bool-flags.ts';

test('bare pflag booleans and their short forms become --flag=true; values and positionals are kept', () => {
  const args = [
    'copy',
    '-q',
    '--src-tls-verify',
    'docker://a/b:c',
    '--dest-tls-verify=false',
    '-a',
    '--',
    '-q',
  ];
  assert.deepEqual(normaliseBooleanFlags(args), [
    'copy',
    '--quiet=true',
    '--src-tls-verify=true',
    'docker://a/b:c',
    '--dest-tls-verify=false',
    '--all=true',
    '--',
    '-q',
  ]);
  assert.deepEqual(normaliseBooleanFlags(['inspect', '--config', 'docker://a/b:c']), [
    'inspect',
    '--config=true',
    'docker://a/b:c',
  ]);
  // serve's --config takes a file: untouched.
  assert.deepEqual(normaliseBooleanFlags(['serve', '--config', 'ferry.yaml']), [
    'serve',
    '--config',
    'ferry.yaml',
  ]);
});

test('parseBool accepts pflag spellings and rejects the rest', () => {
  assert.equal(parseBool('FALSE'), false);
  assert.equal(parseBool('1'), true);
  assert.throws(() => parseBool('docker://x'), /expected true or false/);
});
