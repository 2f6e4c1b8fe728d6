import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseTransportReference } from '../reference/parse-transport-reference.ts';
import { policySubject } from './policy-subject.ts';

const base = await realpath(await mkdtemp(join(tmpdir(), 'ferry-policy-subject-')));
after(() => rm(base, { recursive: true, force: true }));

test('docker: identity repo:tag, namespaces up to the host, then wildcard domains (port stripped)', async () => {
  const s = await policySubject(parseTransportReference('docker://reg.example.com:5000/team/sub/app:v1'));
  assert.equal(s.identity, 'reg.example.com:5000/team/sub/app:v1');
  assert.deepEqual(s.namespaces, [
    'reg.example.com:5000/team/sub/app',
    'reg.example.com:5000/team/sub',
    'reg.example.com:5000/team',
    'reg.example.com:5000',
    '*.example.com',
    '*.com',
  ]);
  assert.equal(s.imageName, 'docker://reg.example.com:5000/team/sub/app:v1');
  assert.equal(s.readsSignatures, true);
});

test('docker: Docker Hub names are normalised; the message uses the familiar form, tag defaulted', async () => {
  const s = await policySubject(parseTransportReference('docker://busybox'));
  assert.equal(s.identity, 'docker.io/library/busybox:latest');
  assert.deepEqual(s.namespaces, ['docker.io/library/busybox', 'docker.io/library', 'docker.io', '*.io']);
  assert.equal(s.imageName, 'docker://busybox:latest');
});

test('docker: by digest; with both tag and digest the digest (what is pulled) is the identity', async () => {
  const digest = `sha256:${'a'.repeat(64)}`;
  const s = await policySubject(parseTransportReference(`docker://reg.example/app:v1@${digest}`));
  assert.equal(s.identity, `reg.example/app@${digest}`);
  assert.deepEqual(s.dockerReference, { registry: 'reg.example', repository: 'app', digest });
});

test('oci: the resolved path (symlinks followed) is the identity and the first namespace; "/" never is', async () => {
  await mkdir(join(base, 'real/layout'), { recursive: true });
  await symlink(join(base, 'real'), join(base, 'link'));
  const s = await policySubject(parseTransportReference(`oci:${join(base, 'link/layout')}:app:v1`));
  const resolved = join(base, 'real/layout');
  assert.equal(s.identity, resolved);
  assert.equal(s.namespaces[0], resolved);
  assert.equal(s.namespaces[1], join(base, 'real'));
  assert.ok(!s.namespaces.includes('/'));
  assert.equal(s.imageName, `oci:${join(base, 'link/layout')}:app:v1`);
  assert.equal(s.dockerReference, undefined);
  assert.equal(s.readsSignatures, false);
});

test('oci-archive: a file that does not exist yet keeps its name under the resolved parent', async () => {
  const s = await policySubject({ transport: 'oci-archive', path: join(base, 'link/new.tar') });
  assert.equal(s.identity, join(base, 'real/new.tar'));
  assert.equal(s.imageName, `oci-archive:${join(base, 'link/new.tar')}:`);
});

test('dir: namespaces are the enclosing directories only; docker-archive has only the "" scope', async () => {
  const d = await policySubject({ transport: 'dir', path: join(base, 'real/layout') });
  assert.equal(d.identity, join(base, 'real/layout'));
  assert.equal(d.namespaces[0], join(base, 'real'));
  const a = await policySubject({ transport: 'docker-archive', path: join(base, 'a.tar') });
  assert.equal(a.identity, '');
  assert.deepEqual(a.namespaces, []);
  assert.equal(a.imageName, `docker-archive:${join(base, 'a.tar')}`);
});
