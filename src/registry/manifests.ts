import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { DigestMismatchError } from '../errors/kinds.ts';
import { digestLike, isDigest, sha256Digest } from '../oci/digest.ts';
import { type ParsedManifest, parseManifest } from '../oci/manifest.ts';
import { MANIFEST_ACCEPT } from '../oci/media-types.ts';
import { headerValue } from './registry-transport.ts';
import { encodePath, type RepositoryContext, toRegistryError } from './repository-context.ts';
import { discardResponse } from './transport/exchange.ts';

/** Manifests larger than this are refused; the spec asks registries to accept at least 4 MiB. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export interface ManifestHead {
  readonly digest: string;
  readonly mediaType: string | undefined;
  readonly size: number | undefined;
}

export interface FetchedManifest {
  readonly digest: string;
  readonly parsed: ParsedManifest;
}

function manifestPath(ctx: RepositoryContext, reference: string): string {
  return `/v2/${encodePath(ctx.name)}/manifests/${encodeURIComponent(reference)}`;
}

/** HEAD a manifest; undefined when it does not exist. Does not count as a pull on Docker Hub. */
export async function headManifest(
  ctx: RepositoryContext,
  reference: string,
  signal?: AbortSignal,
): Promise<ManifestHead | undefined> {
  const res = await ctx.transport.request({
    method: 'HEAD',
    url: manifestPath(ctx, reference),
    headers: { accept: MANIFEST_ACCEPT },
    scopes: ctx.scopes,
    signal,
  });
  if (res.status !== 200 && res.status !== 404) throw await toRegistryError('HEAD', res);
  await res.body.dump();
  if (res.status === 404) return undefined;
  const digest = headerValue(res.headers['docker-content-digest']);
  const length = headerValue(res.headers['content-length']);
  const contentType = headerValue(res.headers['content-type']);
  if (!digest || !isDigest(digest)) {
    // Some registries omit the digest on HEAD; a GET tells the truth.
    if (isDigest(reference))
      return { digest: reference, mediaType: contentType, size: length ? Number(length) : undefined };
    const fetched = await getManifest(ctx, reference, signal);
    if (!fetched) return undefined;
    return {
      digest: fetched.digest,
      mediaType: fetched.parsed.mediaType,
      size: fetched.parsed.bytes.byteLength,
    };
  }
  return { digest, mediaType: contentType, size: length ? Number(length) : undefined };
}

/**
 * GET a manifest and verify it: by digest, the bytes must hash to it; by tag, they must hash to the
 * registry's Docker-Content-Digest when it sent one in the same algorithm.
 */
export async function getManifest(
  ctx: RepositoryContext,
  reference: string,
  signal?: AbortSignal,
): Promise<FetchedManifest | undefined> {
  const res = await ctx.transport.request({
    method: 'GET',
    url: manifestPath(ctx, reference),
    headers: { accept: MANIFEST_ACCEPT },
    scopes: ctx.scopes,
    signal,
  });
  if (res.status === 404) {
    await res.body.dump();
    return undefined;
  }
  if (res.status !== 200) throw await toRegistryError('GET', res);
  const declared = Number(headerValue(res.headers['content-length']) ?? '0');
  if (declared > MAX_MANIFEST_BYTES) {
    await discardResponse(res);
    throw new FerryError(
      ErrorCode.BadManifest,
      `manifest ${ctx.name}:${reference} is ${declared} bytes, over the limit`,
    );
  }
  const bytes = new Uint8Array(await res.body.arrayBuffer());
  if (bytes.byteLength > MAX_MANIFEST_BYTES) {
    throw new FerryError(ErrorCode.BadManifest, `manifest ${ctx.name}:${reference} is over the size limit`);
  }
  const what = `${ctx.transport.registry}/${ctx.name}@${reference}`;
  let digest: string;
  if (isDigest(reference)) {
    digest = reference;
    const actual = digestLike(reference, bytes);
    if (actual !== reference) throw new DigestMismatchError(reference, actual, `manifest ${what}`);
  } else {
    digest = sha256Digest(bytes);
    const header = headerValue(res.headers['docker-content-digest']);
    if (header && isDigest(header) && digestLike(header, bytes) !== header) {
      throw new DigestMismatchError(header, digestLike(header, bytes), `manifest ${what}`);
    }
  }
  const parsed = parseManifest(bytes, headerValue(res.headers['content-type']), what);
  return { digest, parsed };
}

export interface PutManifestResult {
  /** The manifest's digest (the registry's Docker-Content-Digest, when sent, was checked against it). */
  readonly digest: string;
  /** `OCI-Subject` of the response: the registry indexed the manifest's subject for the referrers API. */
  readonly ociSubject: string | undefined;
}

/** PUT a manifest by tag or digest. */
export async function putManifest(
  ctx: RepositoryContext,
  reference: string,
  bytes: Uint8Array,
  mediaType: string,
  signal?: AbortSignal,
): Promise<PutManifestResult> {
  const expected = sha256Digest(bytes);
  const res = await ctx.transport.request({
    method: 'PUT',
    url: manifestPath(ctx, reference),
    headers: { 'content-type': mediaType },
    body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    scopes: ctx.scopes,
    signal,
  });
  if (res.status !== 201 && res.status !== 200) throw await toRegistryError('PUT', res);
  await res.body.dump();
  const returned = headerValue(res.headers['docker-content-digest']);
  if (returned?.startsWith('sha256:') && returned !== expected) {
    throw new DigestMismatchError(expected, returned, `manifest pushed to ${ctx.name}:${reference}`);
  }
  return { digest: expected, ociSubject: headerValue(res.headers['oci-subject']) };
}

export async function deleteManifest(
  ctx: RepositoryContext,
  digest: string,
  signal?: AbortSignal,
): Promise<void> {
  const res = await ctx.transport.request({
    method: 'DELETE',
    url: manifestPath(ctx, digest),
    scopes: ctx.scopes,
    signal,
  });
  if (res.status !== 202 && res.status !== 200 && res.status !== 404)
    throw await toRegistryError('DELETE', res);
  await res.body.dump();
}
