import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageReference } from '../reference/image-reference.ts';
import { matchesDockerReference } from './identity-match.ts';
import type { IdentityMatch } from './policy-types.ts';

const D = `sha256:${'b'.repeat(64)}`;
const tagged: ImageReference = { registry: 'reg.example', repository: 'team/app', tag: 'v1' };
const digested: ImageReference = { registry: 'reg.example', repository: 'team/app', digest: D };
const m = (type: IdentityMatch['type'], extra: Record<string, string> = {}) =>
  ({ type, ...extra }) as IdentityMatch;

test('matchRepoDigestOrExact: a tag needs exactly that reference; a digest accepts its repository', () => {
  const match = m('matchRepoDigestOrExact');
  assert.equal(matchesDockerReference(match, tagged, 'reg.example/team/app:v1'), true);
  assert.equal(matchesDockerReference(match, tagged, 'reg.example/team/app:v2'), false);
  assert.equal(
    matchesDockerReference(match, tagged, 'reg.example/team/app'),
    false,
    'name-only signatures never match',
  );
  assert.equal(matchesDockerReference(match, digested, 'reg.example/team/app:anything'), true);
  assert.equal(matchesDockerReference(match, digested, 'reg.example/team/other:v1'), false);
  assert.equal(matchesDockerReference(match, undefined, 'reg.example/team/app:v1'), false);
});

test('matchExact and matchRepository', () => {
  assert.equal(matchesDockerReference(m('matchExact'), tagged, 'reg.example/team/app:v1'), true);
  assert.equal(matchesDockerReference(m('matchExact'), digested, 'reg.example/team/app:v1'), false);
  assert.equal(matchesDockerReference(m('matchRepository'), tagged, 'reg.example/team/app:v9'), true);
  assert.equal(matchesDockerReference(m('matchRepository'), tagged, 'reg.example/team/app2:v1'), false);
});

test('names compare normalised: busybox is docker.io/library/busybox', () => {
  const hub: ImageReference = { registry: 'docker.io', repository: 'library/busybox', tag: 'latest' };
  assert.equal(matchesDockerReference(m('matchRepoDigestOrExact'), hub, 'busybox:latest'), true);
  assert.equal(matchesDockerReference(m('matchRepoDigestOrExact'), hub, 'not a reference'), false);
});

test('exactReference and exactRepository ignore the image and compare with the policy value', () => {
  const ref = m('exactReference', { dockerReference: 'prod.example/app:stable' });
  assert.equal(matchesDockerReference(ref, tagged, 'prod.example/app:stable'), true);
  assert.equal(matchesDockerReference(ref, undefined, 'prod.example/app:stable'), true);
  assert.equal(matchesDockerReference(ref, tagged, 'prod.example/app:v1'), false);
  const repo = m('exactRepository', { dockerRepository: 'prod.example/app' });
  assert.equal(matchesDockerReference(repo, tagged, 'prod.example/app:whatever'), true);
  assert.equal(matchesDockerReference(repo, tagged, 'prod.example/other:v1'), false);
});

test('remapIdentity: a mirror accepts signatures made for the original location', () => {
  const remap = m('remapIdentity', { prefix: 'mirror.example/upstream', signedPrefix: 'reg.example' });
  const mirrored: ImageReference = { registry: 'mirror.example', repository: 'upstream/team/app', tag: 'v1' };
  assert.equal(matchesDockerReference(remap, mirrored, 'reg.example/team/app:v1'), true);
  assert.equal(matchesDockerReference(remap, mirrored, 'mirror.example/upstream/team/app:v1'), false);
  // Only whole path components match the prefix: upstream2 is not under upstream.
  const sibling: ImageReference = { registry: 'mirror.example', repository: 'upstream2/app', tag: 'v1' };
  assert.equal(matchesDockerReference(remap, sibling, 'reg.example2/app:v1'), false);
  assert.equal(matchesDockerReference(remap, sibling, 'mirror.example/upstream2/app:v1'), true);
});
