/**
 * Test support: push a Sigstore bundle to a rig registry the way cosign v3 stores it (cosign
 * specs/BUNDLE_SPEC.md): the empty config blob, the bundle blob, the referrer manifest by digest, and
 * (the rig's distribution 2.8.2 has no referrers API: `GET /v2/<name>/referrers/<digest>` is a 404)
 * an entry in the `sha256-<hex>` fallback tag index, written by this client as cosign does. cosign
 * v3.0.x gives that entry the empty config media type as `artifactType`, v3.1 the bundle type: both
 * are written here on request, so the gate is shown not to depend on it.
 */
import { COSIGN_SIGN_PREDICATE_TYPE } from '../../src/signature/in-toto-statement.ts';
import { bundleReferrer } from '../../src/signature/sigstore-referrer-manifest.ts';
import { MEDIA_TYPES } from './fixtures.ts';
import { getManifest, openSession, pushBlob, putManifest, type RigTarget } from './rig-client.ts';

export type FallbackStyle = 'cosign-3.0' | 'cosign-3.1';

/** Pushes `bundle` as a referrer of `subject` in `repo`; returns the referrer manifest's digest. */
export async function pushBundleReferrer(
  target: RigTarget,
  repo: string,
  subject: { readonly digest: string; readonly size: number; readonly mediaType: string },
  bundle: unknown,
  options: { readonly predicateType?: string; readonly style?: FallbackStyle } = {},
): Promise<string> {
  const referrer = bundleReferrer(subject, bundle, options.predicateType ?? COSIGN_SIGN_PREDICATE_TYPE);
  for (const { descriptor, bytes } of referrer.blobs) await pushBlob(target, repo, { ...descriptor, bytes });
  const session = openSession(target);
  try {
    await putManifest(session, repo, referrer.digest, MEDIA_TYPES.ociManifest, referrer.bytes);
    const tag = subject.digest.replace(':', '-');
    const current = await getManifest(target, repo, tag);
    const index: { manifests: unknown[]; [key: string]: unknown } =
      current.status === 200
        ? (JSON.parse(current.bytes.toString('utf8')) as { manifests: unknown[] })
        : { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [] };
    const annotations = referrer.manifest.annotations as Record<string, string>;
    index.manifests.push({
      mediaType: MEDIA_TYPES.ociManifest,
      digest: referrer.digest,
      size: referrer.bytes.byteLength,
      artifactType:
        (options.style ?? 'cosign-3.0') === 'cosign-3.0'
          ? 'application/vnd.oci.empty.v1+json'
          : referrer.manifest.artifactType,
      annotations,
    });
    const bytes = Buffer.from(JSON.stringify(index));
    await putManifest(session, repo, tag, MEDIA_TYPES.ociIndex, bytes);
  } finally {
    await session.close();
  }
  return referrer.digest;
}
