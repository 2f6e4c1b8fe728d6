import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { subjectLink } from './referrers-tag.ts';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const SUBJECT = `sha256:${'a'.repeat(64)}`;
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

describe('subjectLink', () => {
  test('an artifact manifest: its artifactType and annotations go into the referrers entry', () => {
    const bytes = enc({
      schemaVersion: 2,
      artifactType: 'application/spdx+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json' },
      subject: { digest: SUBJECT },
      annotations: { 'org.opencontainers.image.created': '2026-11-25T00:00:00Z' },
    });
    assert.deepEqual(subjectLink(bytes, OCI_MANIFEST, 'sha256:d'), {
      subject: SUBJECT,
      referrer: {
        mediaType: OCI_MANIFEST,
        digest: 'sha256:d',
        size: bytes.byteLength,
        artifactType: 'application/spdx+json',
        annotations: { 'org.opencontainers.image.created': '2026-11-25T00:00:00Z' },
      },
    });
  });

  test('without artifactType, an image manifest is listed under its config media type', () => {
    const bytes = enc({
      schemaVersion: 2,
      config: { mediaType: 'application/vnd.dev.cosign.sig' },
      subject: { digest: SUBJECT },
    });
    assert.equal(
      subjectLink(bytes, OCI_MANIFEST, 'sha256:d')?.referrer.artifactType,
      'application/vnd.dev.cosign.sig',
    );
  });

  test('no subject, or not JSON: nothing to index', () => {
    assert.equal(subjectLink(enc({ schemaVersion: 2, config: {} }), OCI_MANIFEST, 'sha256:d'), undefined);
    assert.equal(subjectLink(enc('{not json'), OCI_MANIFEST, 'sha256:d'), undefined);
    assert.equal(subjectLink(enc({ subject: { digest: 42 } }), OCI_MANIFEST, 'sha256:d'), undefined);
  });
});
