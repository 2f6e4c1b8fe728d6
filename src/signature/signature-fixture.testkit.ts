/**
 * Test support (not a test): an in-memory repository that serves manifests and blobs the way a
 * registry Repository does, and cosign `.sig` manifests signed for real with node:crypto, as
 * `cosign sign --key` stores them.
 */
import { type KeyObject, sign } from 'node:crypto';
import { digestToTagPrefix, sha256Digest } from '../oci/digest.ts';
import type { Descriptor } from '../oci/manifest.ts';
import { parseManifest } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import type { BlobReader } from '../registry/blobs.ts';
import type { FetchedManifest } from '../registry/manifests.ts';
import { NO_RETRY } from '../registry/retry.ts';
import type { TagsPage } from '../registry/tags.ts';
import {
  COSIGN_SIGNATURE_ANNOTATION,
  COSIGN_SIGNATURE_TYPE,
  cosignSignatureTag,
  SIMPLE_SIGNING_MEDIA_TYPE,
  type SignatureSource,
} from './cosign-classic.ts';
import { bundleReferrer } from './sigstore-referrer-manifest.ts';

export class MemorySource implements SignatureSource {
  readonly registry = 'memory.example';
  readonly name = 'team/app';
  readonly retry = NO_RETRY;
  readonly manifests = new Map<string, Uint8Array>();
  readonly blobs = new Map<string, Uint8Array>();

  /** Stores a manifest under its digest and, when given, a tag; returns the digest. */
  putManifest(json: unknown, tag?: string): string {
    const bytes = Buffer.from(JSON.stringify(json));
    const digest = sha256Digest(bytes);
    this.manifests.set(digest, bytes);
    if (tag !== undefined) this.manifests.set(tag, bytes);
    return digest;
  }

  putBlob(bytes: Uint8Array, mediaType: string): Descriptor {
    const digest = sha256Digest(bytes);
    this.blobs.set(digest, bytes);
    return { mediaType, digest, size: bytes.length };
  }

  async getManifest(reference: string): Promise<FetchedManifest | undefined> {
    const bytes = this.manifests.get(reference);
    if (bytes === undefined) return undefined;
    return { digest: sha256Digest(bytes), parsed: parseManifest(bytes, undefined, reference) };
  }

  async headManifest(reference: string) {
    const found = await this.getManifest(reference);
    return (
      found && { digest: found.digest, mediaType: found.parsed.mediaType, size: found.parsed.bytes.length }
    );
  }

  async listTagsPage(): Promise<TagsPage> {
    return { tags: [], next: undefined };
  }

  async listReferrersApi() {
    return undefined;
  }

  /** Like a registry without the referrers API: the `sha256-<hex>` fallback tag index. */
  async listReferrers(digest: string): Promise<Descriptor[]> {
    const found = await this.getManifest(digestToTagPrefix(digest));
    return found?.parsed.kind === 'index' ? found.parsed.manifest.manifests : [];
  }

  async getBlobBytes(desc: Descriptor): Promise<Buffer> {
    const bytes = this.blobs.get(desc.digest);
    if (bytes === undefined) throw new Error(`blob ${desc.digest} not found`);
    return Buffer.from(bytes);
  }

  openBlob(desc: Descriptor): BlobReader {
    const bytes = this.blobs.get(desc.digest);
    const gen = (async function* () {
      if (bytes === undefined) throw new Error(`blob ${desc.digest} not found`);
      yield Buffer.from(bytes);
    })();
    return Object.assign(gen, { onProgress: undefined, error: undefined, release: async () => {} });
  }

  /** A small image manifest (config blob only); returns its digest. */
  putImage(seed: string, tag?: string): string {
    const config = this.putBlob(Buffer.from(JSON.stringify({ seed })), MediaType.OciConfig);
    return this.putManifest({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers: [] }, tag);
  }
}

/** The simple-signing payload cosign signs. */
export function simpleSigningPayload(
  digest: string,
  dockerReference: string,
  type = COSIGN_SIGNATURE_TYPE,
): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': dockerReference },
        image: { 'docker-manifest-digest': digest },
        type,
      },
      optional: null,
    }),
  );
}

export interface SignatureLayerSpec {
  readonly payload: Buffer;
  /** Signs the payload; ignored when `signature` is given. */
  readonly key?: KeyObject | undefined;
  readonly signature?: string | undefined;
  readonly mediaType?: string | undefined;
}

/** Stores `sha256-<hex>.sig` for `digest` with one layer per spec. */
export function putSignatures(
  source: MemorySource,
  digest: string,
  layers: readonly SignatureLayerSpec[],
): void {
  const config = source.putBlob(Buffer.from('{}'), MediaType.OciConfig);
  source.putManifest(
    {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config,
      layers: layers.map((l) => {
        const signature =
          l.signature ?? sign('sha256', l.payload, { key: l.key!, dsaEncoding: 'der' }).toString('base64');
        return {
          ...source.putBlob(l.payload, l.mediaType ?? SIMPLE_SIGNING_MEDIA_TYPE),
          annotations: { [COSIGN_SIGNATURE_ANNOTATION]: signature },
        };
      }),
    },
    cosignSignatureTag(digest),
  );
}

/**
 * Stores a Sigstore bundle as cosign v3 does on a registry without the referrers API: the referrer
 * manifest by digest and an entry in the `sha256-<hex>` fallback index. Returns the referrer's digest.
 */
export function putBundleReferrer(
  source: MemorySource,
  subject: string,
  bundle: unknown,
  predicateType: string,
): string {
  const size = source.manifests.get(subject)?.byteLength ?? 0;
  const referrer = bundleReferrer(
    { digest: subject, size, mediaType: MediaType.OciManifest },
    bundle,
    predicateType,
  );
  for (const blob of referrer.blobs) source.putBlob(blob.bytes, blob.descriptor.mediaType);
  const digest = source.putManifest(referrer.manifest);
  const tag = digestToTagPrefix(subject);
  const existing = source.manifests.get(tag);
  const index = existing
    ? (JSON.parse(Buffer.from(existing).toString('utf8')) as { manifests: unknown[] })
    : { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] as unknown[] };
  index.manifests.push({ mediaType: MediaType.OciManifest, digest, size: referrer.bytes.byteLength });
  source.putManifest(index, tag);
  return digest;
}
