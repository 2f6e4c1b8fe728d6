/**
 * Sigstore bundles stored as OCI referrers of an image, the way cosign v3 writes them (cosign
 * specs/BUNDLE_SPEC.md "OCI storage"): an image manifest whose `subject` is the image, with the empty
 * config, `artifactType` the bundle media type and exactly one layer whose media type is a bundle
 * media type and whose blob is the bundle JSON. It is found through the referrers API
 * (distribution-spec "Listing Referrers") or, on registries without it, the `sha256-<hex>` fallback
 * tag index (see registry/referrers.ts).
 *
 * The index entry's `artifactType` is NOT trusted to select candidates: cosign v3.0.x writes the
 * fallback index entry with the *empty config* media type as artifactType and v3.1 with the bundle
 * type, and other tools omit it. Every referrer that is an OCI image manifest of reasonable size is
 * fetched (by digest, so the bytes are checked against the index entry) and judged by its layer.
 *
 * Bounded: at most MAX_BUNDLE_REFERRERS referrers are read, manifests over MAX_REFERRER_MANIFEST_BYTES
 * and bundles over MAX_BUNDLE_BYTES are skipped without being downloaded (cosign's bundles are a few
 * KiB; an attestation with a large predicate such as an SBOM can be a few MiB).
 */
import type { Descriptor } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import type { FetchedManifest } from '../registry/manifests.ts';

/** What cosign v3 writes. */
export const SIGSTORE_BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** The bundle media types cosign and sigstore-js write. */
export const SIGSTORE_BUNDLE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  SIGSTORE_BUNDLE_V03_MEDIA_TYPE,
  'application/vnd.dev.sigstore.bundle+json;version=0.3',
  'application/vnd.dev.sigstore.bundle+json;version=0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.1',
]);

export const MAX_BUNDLE_REFERRERS = 64;
export const MAX_REFERRER_MANIFEST_BYTES = 64 * 1024;
export const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

/** What reading bundles needs from a repository (a registry Repository has it). */
export interface ReferrerSource {
  listReferrers(digest: string, signal?: AbortSignal): Promise<Descriptor[]>;
  getManifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest | undefined>;
  getBlobBytes(desc: Descriptor, signal?: AbortSignal): Promise<Buffer>;
}

/** A bundle found among an image's referrers: still unverified JSON. */
export interface StoredBundle {
  /** Digest of the referrer manifest that carries the bundle (what the audit trail names). */
  readonly referrer: string;
  /** The layer's media type (one of SIGSTORE_BUNDLE_MEDIA_TYPES). */
  readonly mediaType: string;
  /** The referrer manifest's annotations (cosign sets `dev.sigstore.bundle.predicateType`). */
  readonly annotations: Readonly<Record<string, string>>;
  /** The parsed JSON of the bundle blob (digest-verified bytes; content not yet validated). */
  readonly json: unknown;
}

export interface StoredBundles {
  readonly bundles: readonly StoredBundle[];
  /** Referrers that looked like bundles but could not be used, with why (for the refusal message). */
  readonly skipped: readonly string[];
}

/**
 * The Sigstore bundles attached to `digest` in `source`. Registry failures propagate with their own
 * `temporary` flag; malformed referrers are skipped and named in `skipped`.
 */
export async function fetchSigstoreBundles(
  source: ReferrerSource,
  digest: string,
  signal?: AbortSignal,
): Promise<StoredBundles> {
  const referrers = await source.listReferrers(digest, signal);
  const bundles: StoredBundle[] = [];
  const skipped: string[] = [];
  const candidates = referrers.filter((d) => d.mediaType === MediaType.OciManifest);
  for (const desc of candidates.slice(0, MAX_BUNDLE_REFERRERS)) {
    if (desc.size > MAX_REFERRER_MANIFEST_BYTES) continue; // not a bundle manifest: those are ~1 KiB
    const fetched = await source.getManifest(desc.digest, signal);
    if (fetched === undefined || fetched.parsed.kind !== 'image') continue;
    const { manifest } = fetched.parsed;
    // A stale or hostile fallback index can list a manifest about another image.
    if (manifest.subject?.digest !== digest) continue;
    const layers = manifest.layers;
    const layer = layers.length === 1 ? layers[0] : undefined;
    if (layer === undefined || !SIGSTORE_BUNDLE_MEDIA_TYPES.has(layer.mediaType)) continue;
    if (layer.size > MAX_BUNDLE_BYTES) {
      skipped.push(`${desc.digest}: the bundle is ${layer.size} bytes, over ${MAX_BUNDLE_BYTES}`);
      continue;
    }
    const bytes = await source.getBlobBytes(layer, signal);
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      skipped.push(`${desc.digest}: the bundle is not JSON`);
      continue;
    }
    bundles.push({
      referrer: desc.digest,
      mediaType: layer.mediaType,
      annotations: manifest.annotations ?? {},
      json,
    });
  }
  if (candidates.length > MAX_BUNDLE_REFERRERS) {
    skipped.push(`only the first ${MAX_BUNDLE_REFERRERS} of ${candidates.length} referrers were read`);
  }
  return { bundles, skipped };
}
