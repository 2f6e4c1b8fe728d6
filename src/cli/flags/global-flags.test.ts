import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normaliseBooleanFlags } from './bool-flags.ts';
import { splitAtCommand } from './global-flags.ts';

test('the command is found behind global options and their separate values', () => {
  assert.deepEqual(splitAtCommand(['--command-timeout', '5s', '--debug', 'copy', 'a', 'b']), {
    command: 'copy',
    index: 3,
  });
  assert.deepEqual(splitAtCommand(['--policy=/p.json', '--override-arch', 'arm64', 'inspect']), {
    command: 'inspect',
    index: 3,
  });
  assert.deepEqual(splitAtCommand(['--debug']), { command: undefined, index: 1 });
});

test('global booleans are normalised before the command; command booleans after it', () => {
  assert.deepEqual(
    normaliseBooleanFlags([
      '--debug',
      '--tls-verify',
      '--tmpdir',
      '/t',
      'inspect',
      '-n',
      '--debug',
      'docker://a/b',
    ]),
    [
      '--debug=true',
      '--tls-verify=true',
      '--tmpdir',
      '/t',
      'inspect',
      '--no-tags=true',
      '--debug=true',
      'docker://a/b',
    ],
  );
  // A value that looks like a command name is not taken for the command.
  assert.deepEqual(normaliseBooleanFlags(['--registries.d', 'copy', 'inspect', '--no-creds', 'x']), [
    '--registries.d',
    'copy',
    'inspect',
    '--no-creds=true',
    'x',
  ]);
  assert.deepEqual(normaliseBooleanFlags(['logout', '-a']), ['logout', '--all=true']);
  assert.deepEqual(normaliseBooleanFlags(['login', '--password-stdin', '-v', 'r.example']), [
    'login',
    '--password-stdin=true',
    '--verbose=true',
    'r.example',
  ]);
});
