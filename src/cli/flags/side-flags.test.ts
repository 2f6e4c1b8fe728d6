import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Credential, Keychain } from '../../auth/credential.ts';
import { BadUsageError } from '../../errors/kinds.ts';
import { endpointFromFlags, type KeychainFactories, type SideFlags } from './side-flags.ts';

/** Factories that record what was asked of them instead of touching files or stdin. */
function factories(stdin = '') {
  const asked: string[] = [];
  const marker = (name: string): Keychain => ({
    resolve: async () => ({ kind: 'bearer', token: name }) as Credential,
  });
  const value: KeychainFactories = {
    authFile: ({ authFile }) => {
      asked.push(`authFile:${authFile ?? '(default chain)'}`);
      return marker('from-auth-file');
    },
    tokenFile: ({ path, username }) => {
      asked.push(`tokenFile:${path}:${username ?? ''}`);
      return marker('from-token-file');
    },
    readStdin: async () => {
      asked.push('stdin');
      return stdin;
    },
  };
  return { value, asked };
}

async function credentialFor(side: 'src' | 'dest', flags: SideFlags, stdin?: string): Promise<Credential> {
  const endpoint = await endpointFromFlags(side, flags, factories(stdin).value, undefined);
  return endpoint.keychain.resolve('registry.example');
}

/** Rejects with BadUsageError whose message matches `pattern` and never contains `secret`. */
async function refused(promise: Promise<unknown>, pattern: RegExp, secret?: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof BadUsageError, `expected BadUsageError, got ${String(err)}`);
    assert.match(err.message, pattern);
    if (secret !== undefined)
      assert.ok(!err.message.includes(secret), `message echoes the secret: ${err.message}`);
    return true;
  });
}

describe('credential flags of one side', () => {
  test('--dest-creds USER:PASS is Basic; the password may contain ":"', async () => {
    const c = await credentialFor('dest', { creds: 'ci-bot:pa:ss' });
    assert.deepEqual({ ...c }, { kind: 'basic', username: 'ci-bot', password: 'pa:ss' });
    // The value built for the CLI is the redacting one: logging it never shows the password.
    assert.ok(!JSON.stringify(c).includes('pa:ss'));
  });

  test('--src-creds USER with --src-password-stdin reads the password, dropping one trailing newline', async () => {
    const f = factories('s3cret\n');
    const endpoint = await endpointFromFlags(
      'src',
      { creds: 'bob', passwordStdin: true },
      f.value,
      undefined,
    );
    assert.deepEqual(
      { ...(await endpoint.keychain.resolve('r')) },
      { kind: 'basic', username: 'bob', password: 's3cret' },
    );
    assert.deepEqual(f.asked, ['stdin']);
  });

  test('--src-username/--src-password are Basic as well', async () => {
    const c = await credentialFor('src', { username: 'u', password: 'p' });
    assert.deepEqual({ ...c }, { kind: 'basic', username: 'u', password: 'p' });
  });

  test('a bare USER without a password source is bad usage, naming the flag', async () => {
    await refused(credentialFor('dest', { creds: 'bob' }), /--dest-creds has no password/);
  });

  test('control characters in credentials are refused without echoing them', async () => {
    await refused(
      credentialFor('dest', { creds: 'bob:pass\n' }),
      /--dest-creds: .*control character/,
      'pass',
    );
    await refused(
      credentialFor('src', { creds: 'bob', passwordStdin: true }, 'line-one\nline-two\n'),
      /source credentials contain a control character/,
      'line-one',
    );
    await refused(credentialFor('src', { username: 'u', password: 'p\tq' }), /control character/, 'p\tq');
  });

  test('--src-registry-token is sent as-is as a bearer token', async () => {
    const c = await credentialFor('src', { registryToken: 'sha256~abc.DEF-123' });
    assert.deepEqual({ ...c }, { kind: 'bearer', token: 'sha256~abc.DEF-123' });
  });

  test('an empty token, or one with whitespace (a pasted newline), is bad usage that does not echo it', async () => {
    await refused(credentialFor('dest', { registryToken: '' }), /--dest-registry-token is empty/);
    await refused(
      credentialFor('dest', { registryToken: 'eyJhbGciOi\n' }),
      /--dest-registry-token contains whitespace/,
      'eyJhbGciOi',
    );
  });

  test('two credential sources on one side are refused, naming both', async () => {
    await refused(
      credentialFor('dest', { creds: 'a:b', registryToken: 't' }),
      /--dest-creds and --dest-registry-token cannot be used together/,
    );
    await refused(
      credentialFor('src', { noCreds: true, tokenFile: '/var/run/token' }),
      /--src-token-file and --src-no-creds cannot be used together/,
    );
  });

  test('--no-creds is anonymous; the token file and the auth-file chain go to their keychains', async () => {
    assert.equal((await credentialFor('src', { noCreds: true })).kind, 'anonymous');
    const f = factories();
    await endpointFromFlags('src', { tokenFile: '/t', username: 'sa' }, f.value, undefined);
    await endpointFromFlags('dest', {}, f.value, '/global/auth.json');
    await endpointFromFlags('dest', { authfile: '/side/auth.json' }, f.value, '/global/auth.json');
    assert.deepEqual(f.asked, ['tokenFile:/t:sa', 'authFile:/global/auth.json', 'authFile:/side/auth.json']);
  });

  test('--password-stdin without a username is bad usage', async () => {
    await refused(
      credentialFor('src', { passwordStdin: true }),
      /--src-password-stdin needs --src-creds USER/,
    );
  });

  test('TLS settings pass through', async () => {
    const endpoint = await endpointFromFlags(
      'dest',
      { tlsVerify: false, certDir: '/certs' },
      factories().value,
      undefined,
    );
    assert.equal(endpoint.tlsVerify, false);
    assert.equal(endpoint.certDir, '/certs');
  });
});
