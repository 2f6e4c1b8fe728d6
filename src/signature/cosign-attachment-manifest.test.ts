import assert from 'node:assert/strict';
import test from 'node:test';
import { sha256Digest } from '../oci/digest.ts';
import type { ImageManifest } from '../oci/manifest.ts';
import { appendAttachmentLayer } from './cosign-attachment-manifest.ts';

const ENVELOPE = 'application/vnd.dsse.envelope.v1+json';

function layer(text: string, predicateType = 'https://ferry.dev/promotion/v1') {
  return {
    mediaType: ENVELOPE,
    bytes: Buffer.from(text),
    annotations: { 'dev.cosignproject.cosign/signature': '', predicateType },
  };
}

test('the first attachment makes an OCI image manifest with one layer and a config naming it', () => {
  const made = appendAttachmentLayer(undefined, layer('one'));
  assert.ok(made);
  const manifest = JSON.parse(made.bytes.toString('utf8')) as ImageManifest;
  assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(manifest.layers.length, 1);
  assert.equal(manifest.layers[0]!.digest, sha256Digest(Buffer.from('one')));
  assert.deepEqual(manifest.layers[0]!.annotations, layer('one').annotations);
  const [config, blob] = made.blobs;
  assert.equal(config!.descriptor.digest, manifest.config.digest);
  assert.equal(config!.descriptor.digest, sha256Digest(config!.bytes));
  assert.deepEqual(JSON.parse(config!.bytes.toString('utf8')).rootfs.diff_ids, [manifest.layers[0]!.digest]);
  assert.equal(blob!.bytes.toString('utf8'), 'one');
});

test('a further attachment is appended after what the tag holds, in order', () => {
  const first = JSON.parse(appendAttachmentLayer(undefined, layer('one'))!.bytes.toString('utf8'));
  const second = appendAttachmentLayer(first, layer('two'));
  assert.ok(second);
  const manifest = JSON.parse(second.bytes.toString('utf8')) as ImageManifest;
  assert.deepEqual(
    manifest.layers.map((l) => l.digest),
    [sha256Digest(Buffer.from('one')), sha256Digest(Buffer.from('two'))],
  );
  assert.deepEqual(
    JSON.parse(second.blobs[0]!.bytes.toString('utf8')).rootfs.diff_ids,
    manifest.layers.map((l) => l.digest),
  );
});

test('the same layer is not added twice; the same bytes with other annotations are', () => {
  const first = JSON.parse(appendAttachmentLayer(undefined, layer('one'))!.bytes.toString('utf8'));
  assert.equal(appendAttachmentLayer(first, layer('one')), undefined);
  const other = appendAttachmentLayer(first, layer('one', 'https://slsa.dev/provenance/v1'));
  assert.ok(other);
  assert.equal(JSON.parse(other.bytes.toString('utf8')).layers.length, 2);
});
