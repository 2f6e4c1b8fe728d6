import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../errors/codes.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import { readSigningOptions } from './signing-options.ts';

async function refusal(opts: Record<string, unknown>): Promise<string> {
  try {
    await readSigningOptions(opts);
  } catch (err) {
    assert.ok(err instanceof FerryError);
    assert.equal(err.code, ErrorCode.BadUsage);
    return err.message;
  }
  throw new Error('accepted');
}

test('no signing flags: nothing to sign', async () => {
  assert.equal(await readSigningOptions({}), undefined);
});

test('a passphrase file or an identity without a key is refused rather than ignored (skopeo ignores them)', async () => {
  assert.match(
    await refusal({ signPassphraseFile: '/p' }),
    /--sign-passphrase-file needs --sign-by-sigstore-private-key/,
  );
  assert.match(
    await refusal({ signIdentity: 'r.example/a:1' }),
    /--sign-identity needs --sign-by-sigstore-private-key/,
  );
});

test('a key without a passphrase file is refused: ferry never prompts', async () => {
  assert.match(await refusal({ signBySigstorePrivateKey: '/k' }), /\/k needs --sign-passphrase-file/);
});

test('--sign-identity must be canonical and carry a tag or digest, as containers/image ParseNamed requires', async () => {
  const base = { signBySigstorePrivateKey: '/k', signPassphraseFile: '/p' };
  assert.match(
    await refusal({ ...base, signIdentity: 'busybox:latest' }),
    /repository name must be canonical \(docker\.io\/library\/busybox:latest\)/,
  );
  assert.match(
    await refusal({ ...base, signIdentity: 'registry.example/team/app' }),
    /Sign identity must be a fully specified reference registry\.example\/team\/app/,
  );
  assert.match(
    await refusal({ ...base, signIdentity: 'Bad Ref' }),
    /Could not parse --sign-identity "Bad Ref"/,
  );
});
