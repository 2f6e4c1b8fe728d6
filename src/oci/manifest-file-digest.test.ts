import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256Digest } from './digest.ts';
import { manifestFileDigest } from './manifest-file-digest.ts';

/** A schema 1 manifest in libtrust's pretty-signature layout (the signature bytes are not checked). */
function signedSchema1(): { bytes: Buffer; payload: Buffer } {
  const body = `{\n   "schemaVersion": 1,\n   "name": "team/app",\n   "tag": "v1",\n   "architecture": "amd64",\n   "fsLayers": [],\n   "history": []`;
  const payload = Buffer.from(`${body}\n}`);
  const tail = Buffer.from('\n}').toString('base64url');
  const protectedHeader = Buffer.from(
    JSON.stringify({ formatLength: body.length, formatTail: tail }),
  ).toString('base64url');
  const signed = `${body},\n   "signatures": [{"header": {"alg": "ES256"}, "signature": "AAAA", "protected": "${protectedHeader}"}]\n}`;
  return { bytes: Buffer.from(signed), payload };
}

test('a signed schema 1 manifest is digested without its signatures; others as they are', () => {
  const { bytes, payload } = signedSchema1();
  assert.equal(manifestFileDigest(bytes), sha256Digest(payload));
  const oci = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}');
  assert.equal(manifestFileDigest(oci), sha256Digest(oci));
  const text = Buffer.from('not json');
  assert.equal(manifestFileDigest(text), sha256Digest(text));
});

test('a schema 1 signature without a usable protected header is an error', () => {
  const bad = Buffer.from('{"schemaVersion":1,"signatures":[{"protected":"e30"}]}');
  assert.throws(() => manifestFileDigest(bad), /lacks formatLength\/formatTail/);
});
