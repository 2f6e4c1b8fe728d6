import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MediaType } from '../oci/media-types.ts';
import { MemorySource } from '../signature/signature-fixture.testkit.ts';
import { admissionCandidate } from './admission.ts';

function entry(source: MemorySource, digest: string, mediaType: string, architecture?: string) {
  return {
    mediaType,
    digest,
    size: source.manifests.get(digest)!.length,
    ...(architecture ? { platform: { os: 'linux', architecture } } : {}),
  };
}

test('an image is its own only candidate; nothing is fetched for it', async () => {
  const source = new MemorySource();
  const digest = source.putImage('single');
  const parsed = (await source.getManifest(digest))!.parsed;
  source.manifests.clear();
  assert.deepEqual(await admissionCandidate(source, digest, parsed, undefined).images(), [digest]);
});

test('an index: its images in order, nested indexes expanded, platforms filtering the top level only', async () => {
  const source = new MemorySource();
  const amd = source.putImage('amd64');
  const arm = source.putImage('arm64');
  const inner = source.putImage('inner');
  const nested = source.putManifest({
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [entry(source, inner, MediaType.OciManifest)],
  });
  const top = source.putManifest({
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [
      entry(source, amd, MediaType.OciManifest, 'amd64'),
      entry(source, arm, MediaType.OciManifest, 'arm64'),
      entry(source, nested, MediaType.OciIndex, 'arm64'),
      entry(source, amd, MediaType.OciManifest, '386'),
    ],
  });
  assert.deepEqual(await admissionCandidate(source, top, undefined, undefined).images(), [amd, arm, inner]);
  const armOnly = admissionCandidate(source, top, undefined, [{ os: 'linux', architecture: 'arm64' }]);
  assert.deepEqual(await armOnly.images(), [arm, inner]);
});
