import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from './config-error.ts';
import { MAX_SECRET_BYTES, resolveSecret } from './resolve-secret.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-secret-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectFailure(promise: Promise<string>, message: RegExp, secret?: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.code, 'FERRY_E_CONFIG');
    assert.match(err.message, message);
    if (secret !== undefined) assert.ok(!err.message.includes(secret), 'message must not contain the secret');
    return true;
  });
}

describe('file references', () => {
  test('read at every call, so a rotated file is picked up', async () => {
    const path = join(dir, 'rotating');
    await writeFile(path, 'first-secret\n');
    assert.equal(await resolveSecret({ file: path }, { env: {} }), 'first-secret');
    await writeFile(path, 'second-secret\n');
    assert.equal(await resolveSecret({ file: path }, { env: {} }), 'second-secret');
  });

  test('Kubernetes-style atomic rotation (symlink swap of ..data) is picked up', async () => {
    const mount = join(dir, 'mount');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(mount, 'v1'), { recursive: true });
    await mkdir(join(mount, 'v2'), { recursive: true });
    await writeFile(join(mount, 'v1', 'token'), 'token-v1');
    await writeFile(join(mount, 'v2', 'token'), 'token-v2');
    await symlink('v1', join(mount, '..data'));
    await symlink(join('..data', 'token'), join(mount, 'token'));
    const ref = { file: join(mount, 'token') };
    assert.equal(await resolveSecret(ref, { env: {} }), 'token-v1');
    await symlink('v2', join(mount, '..data_tmp'));
    await rename(join(mount, '..data_tmp'), join(mount, '..data'));
    assert.equal(await resolveSecret(ref, { env: {} }), 'token-v2');
  });

  test('missing, empty, whitespace-only and oversized files fail naming the path only', async () => {
    await expectFailure(
      resolveSecret({ file: join(dir, 'absent') }, { env: {}, key: 'notify[0].secret' }),
      /notify\[0\]\.secret: cannot read secret file .*absent: file does not exist/,
    );
    await writeFile(join(dir, 'empty'), ' \n');
    await expectFailure(
      resolveSecret({ file: join(dir, 'empty') }, { env: {} }),
      /secret file .*empty is empty/,
    );
    await writeFile(join(dir, 'big'), 'x'.repeat(MAX_SECRET_BYTES + 1));
    await expectFailure(resolveSecret({ file: join(dir, 'big') }, { env: {} }), /larger than 65536 bytes/);
    await expectFailure(resolveSecret({ file: dir }, { env: {} }), /it is a directory/);
  });

  test('an injected reader is used (and its errors never carry content)', async () => {
    const reads: string[] = [];
    const readFile = async (path: string) => {
      reads.push(path);
      return new TextEncoder().encode('  in-memory-secret\r\n');
    };
    assert.equal(await resolveSecret({ file: '/x' }, { env: {}, readFile }), 'in-memory-secret');
    await resolveSecret({ file: '/x' }, { env: {}, readFile });
    assert.deepEqual(reads, ['/x', '/x']);
  });
});

describe('env references', () => {
  test('read from the given environment at each call', async () => {
    const env: Record<string, string | undefined> = { HOOK_SECRET: 'one' };
    assert.equal(await resolveSecret({ env: 'HOOK_SECRET' }, { env }), 'one');
    env['HOOK_SECRET'] = 'two\n';
    assert.equal(await resolveSecret({ env: 'HOOK_SECRET' }, { env }), 'two');
  });

  test('unset and empty variables fail naming the variable', async () => {
    await expectFailure(resolveSecret({ env: 'NOPE' }, { env: {} }), /environment variable NOPE is not set/);
    await expectFailure(
      resolveSecret({ env: 'EMPTY' }, { env: { EMPTY: '' } }),
      /environment variable EMPTY is empty/,
    );
  });
});

test('inline values are returned as is', async () => {
  assert.equal(await resolveSecret({ value: 'inline' }, { env: {} }), 'inline');
});
