/**
 * The OCI manifest cosign v3 stores a Sigstore bundle in (cosign specs/BUNDLE_SPEC.md "OCI storage"):
 * `artifactType` the bundle media type, the empty config (`application/vnd.oci.empty.v1+json`, `{}`),
 * exactly one layer holding the bundle JSON, annotations saying what the bundle holds, and `subject`
 * the image it is about. sigstore-referrers.ts reads this shape; attaching a bundle to an image (e.g. a
 * promotion attestation) writes it: push both blobs, then the manifest by digest through
 * Repository.putManifest, which also maintains the referrers fallback tag on registries without the API.
 */
import { sha256Digest } from '../oci/digest.ts';
import type { Descriptor } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import { SIGSTORE_BUNDLE_V03_MEDIA_TYPE } from './sigstore-referrers.ts';

export const BUNDLE_CONTENT_ANNOTATION = 'dev.sigstore.bundle.content';
export const BUNDLE_PREDICATE_TYPE_ANNOTATION = 'dev.sigstore.bundle.predicateType';

const EMPTY_JSON = Buffer.from('{}');

export interface BundleReferrer {
  readonly manifest: Record<string, unknown>;
  /** The manifest's bytes as pushed (its digest is what a referrers list names). */
  readonly bytes: Buffer;
  readonly digest: string;
  /** The config and bundle blobs, to push before the manifest. */
  readonly blobs: readonly { readonly descriptor: Descriptor; readonly bytes: Buffer }[];
}

/** The referrer manifest of a DSSE `bundle` (serialized JSON) whose statement has `predicateType`. */
export function bundleReferrer(
  subject: Pick<Descriptor, 'mediaType' | 'digest' | 'size'>,
  bundle: unknown,
  predicateType: string,
  created: Date = new Date(),
): BundleReferrer {
  const bundleBytes = Buffer.from(JSON.stringify(bundle));
  const config: Descriptor = { mediaType: MediaType.OciEmpty, digest: sha256Digest(EMPTY_JSON), size: 2 };
  const layer: Descriptor = {
    mediaType: SIGSTORE_BUNDLE_V03_MEDIA_TYPE,
    digest: sha256Digest(bundleBytes),
    size: bundleBytes.byteLength,
  };
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: SIGSTORE_BUNDLE_V03_MEDIA_TYPE,
    config,
    layers: [layer],
    annotations: {
      [BUNDLE_CONTENT_ANNOTATION]: 'dsse-envelope',
      [BUNDLE_PREDICATE_TYPE_ANNOTATION]: predicateType,
      'org.opencontainers.image.created': created.toISOString(),
    },
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return {
    manifest,
    bytes,
    digest: sha256Digest(bytes),
    blobs: [
      { descriptor: config, bytes: EMPTY_JSON },
      { descriptor: layer, bytes: bundleBytes },
    ],
  };
}
