import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ErrorCode } from '../errors/codes.ts';
import { loadPolicy } from './load-policy.ts';
import { ACCEPT_ANYTHING } from './policy-types.ts';

const dir = await mkdtemp(join(tmpdir(), 'ferry-load-policy-'));
after(() => rm(dir, { recursive: true, force: true }));
const system = join(dir, 'etc-policy.json');
await writeFile(system, JSON.stringify({ default: [{ type: 'reject' }] }));
const home = join(dir, 'home');

test('--insecure-policy accepts anything without reading a file (even a broken --policy)', async () => {
  const loaded = await loadPolicy({ insecurePolicy: true, policyPath: join(dir, 'missing.json'), env: {} });
  assert.equal(loaded.policy, ACCEPT_ANYTHING);
  assert.equal(loaded.file, undefined);
});

test('--policy FILE is used as given; a missing one is an error naming it', async () => {
  const loaded = await loadPolicy({ policyPath: system, env: {} });
  assert.deepEqual(loaded.policy.default, [{ type: 'reject' }]);
  await assert.rejects(
    loadPolicy({ policyPath: join(dir, 'missing.json'), env: {} }),
    (err: Error & { code?: string }) => {
      assert.equal(err.code, ErrorCode.PolicyConfig);
      assert.equal(err.message, `cannot read policy file ${join(dir, 'missing.json')}: file does not exist`);
      return true;
    },
  );
});

test('default: $HOME/.config/containers/policy.json when it exists, else the system file', async () => {
  const env = { HOME: home };
  assert.equal((await loadPolicy({ env, systemPolicyPath: system })).file, system);
  await mkdir(join(home, '.config/containers'), { recursive: true });
  const user = join(home, '.config/containers/policy.json');
  await writeFile(user, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
  assert.equal((await loadPolicy({ env, systemPolicyPath: system })).file, user);
});

test('no policy anywhere is an error (as skopeo), with the way out in the message', async () => {
  await assert.rejects(
    loadPolicy({ env: { HOME: join(dir, 'nobody') }, systemPolicyPath: join(dir, 'no-system.json') }),
    /cannot read policy file .*no-system\.json: file does not exist \(write one, or pass --policy FILE, or --insecure-policy/,
  );
});
