import { createHash } from 'node:crypto';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { DigestMismatchError } from '../errors/kinds.ts';
import type { Descriptor } from '../oci/manifest.ts';
import { headerValue, type RegistryResponse } from './registry-transport.ts';
import { encodePath, type RepositoryContext, toRegistryError } from './repository-context.ts';
import { RetryBudget } from './retry.ts';
import { afterPrefix, fixedChunks, readAhead } from './upload-chunks.ts';

/** An open upload session (spec "Pushing blobs"): the latest Location must always be used. */
export interface UploadSession {
  location: string;
  /** `OCI-Chunk-Min-Length` from the registry, if it sent one. */
  readonly minChunkLength: number | undefined;
}

export type StartUploadResult =
  | { readonly mounted: true }
  | { readonly mounted: false; readonly session: UploadSession };

function location(res: RegistryResponse): string {
  const value = headerValue(res.headers.location);
  if (!value)
    throw new FerryError(ErrorCode.Registry, `registry answered ${res.status} without a Location header`);
  // Relative or absolute, possibly with query (distribution's `_state`): resolve against the request URL.
  return new URL(value, res.url).href;
}

/**
 * Open an upload, or mount `mount.digest` from `mount.from` on the same registry (spec "Mounting a blob
 * from another repository"): 201 means mounted, 202 means the registry declined and opened a normal
 * upload session instead, which we use rather than waste.
 */
export async function startUpload(
  ctx: RepositoryContext,
  mount?: { digest: string; from: string },
  signal?: AbortSignal,
): Promise<StartUploadResult> {
  let url = `/v2/${encodePath(ctx.name)}/blobs/uploads/`;
  let scopes = ctx.scopes;
  if (mount) {
    url += `?mount=${encodeURIComponent(mount.digest)}&from=${encodeURIComponent(mount.from)}`;
    scopes = [...ctx.scopes, `repository:${mount.from}:pull`];
  }
  const res = await ctx.transport.request({
    method: 'POST',
    url,
    scopes,
    signal,
    headers: { 'content-length': '0' },
  });
  if (res.status === 201 && mount) {
    await res.body.dump();
    return { mounted: true };
  }
  if (res.status !== 202) throw await toRegistryError('POST', res);
  await res.body.dump();
  const min = headerValue(res.headers['oci-chunk-min-length']);
  return {
    mounted: false,
    session: { location: location(res), minChunkLength: min ? Number(min) : undefined },
  };
}

function withDigest(loc: string, digest: string): string {
  // Append rather than rebuild the query: some registries sign the upload URL's exact query.
  return `${loc}${loc.includes('?') ? '&' : '?'}digest=${encodeURIComponent(digest)}`;
}

function checkCommitted(res: RegistryResponse, desc: Descriptor, ctx: RepositoryContext): void {
  const returned = headerValue(res.headers['docker-content-digest']);
  if (returned && returned !== desc.digest && returned.split(':')[0] === desc.digest.split(':')[0]) {
    throw new DigestMismatchError(desc.digest, returned, `blob committed to ${ctx.name}`);
  }
}

/** Monolithic upload: one PUT with the whole body (one round trip; what crane and regclient do first). */
export async function putMonolithic(
  ctx: RepositoryContext,
  session: UploadSession,
  desc: Descriptor,
  body: AsyncIterable<Buffer>,
  signal?: AbortSignal,
): Promise<void> {
  const res = await ctx.transport.request({
    method: 'PUT',
    url: withDigest(session.location, desc.digest),
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(desc.size) },
    body,
    scopes: ctx.scopes,
    signal,
  });
  if (res.status !== 201) throw await toRegistryError('PUT', res);
  await res.body.dump();
  checkCommitted(res, desc, ctx);
}

/** Where an interrupted chunked upload can go on from: what `ChunkedUploadOptions.onChunk` is given. */
export interface ResumePoint {
  /** The Location of the last acknowledged request: the only one the registry accepts next. */
  readonly location: string;
  /** Bytes the registry acknowledged. */
  readonly offset: number;
  /** `sha256:<hex>` of those bytes as ferry sent them, to check a resumed source read against. */
  readonly prefixDigest: string;
}

export interface ChunkedUploadOptions {
  /**
   * The session already holds the blob's first `offset` bytes (sent by an earlier, interrupted run).
   * They are read from `body` and hashed, not sent again; their digest must equal `prefixDigest`, else
   * UploadPrefixMismatchError and nothing more is sent.
   */
  readonly resume?: { readonly offset: number; readonly prefixDigest: string } | undefined;
  /** Called after every acknowledged chunk, and awaited before the next one is sent. */
  readonly onChunk?: ((point: ResumePoint) => Promise<void>) | undefined;
}

/**
 * Chunked upload: PATCH `chunkSize` pieces with `Content-Range: start-end` (spec "Pushing a blob in
 * chunks"), then a closing PUT. Chunk n+1 is read while chunk n is sent, so memory is two chunks. A failed
 * PATCH is resumed from the offset the registry reports (`GET <location>` → 204 + `Range: 0-N`) as long as
 * it falls within the chunk still in memory. `options` make the upload resumable across processes.
 */
export async function putChunked(
  ctx: RepositoryContext,
  session: UploadSession,
  desc: Descriptor,
  body: AsyncIterable<Buffer>,
  chunkSize: number,
  signal?: AbortSignal,
  options: ChunkedUploadOptions = {},
): Promise<void> {
  const size = Math.max(chunkSize, session.minChunkLength ?? 0);
  const { resume, onChunk } = options;
  // The digest of what was sent so far, for checkpoints and to check a resumed prefix against.
  const prefix = resume || onChunk ? createHash('sha256') : undefined;
  const payload = resume && prefix ? afterPrefix(body, resume.offset, resume.prefixDigest, prefix) : body;
  let offset = resume?.offset ?? 0;
  let resumed = resume !== undefined;
  for await (const chunk of readAhead(fixedChunks(payload, size))) {
    const sending = patchWithResume(ctx, session, chunk, offset, signal);
    sending.catch(() => undefined); // awaited right below
    prefix?.update(chunk); // hashed while the chunk is on the wire
    resumed = (await sending) || resumed;
    offset += chunk.length;
    if (prefix && onChunk) {
      await onChunk({
        location: session.location,
        offset,
        prefixDigest: `sha256:${prefix.copy().digest('hex')}`,
      });
    }
  }
  const res = await ctx.transport.request({
    method: 'PUT',
    url: withDigest(session.location, desc.digest),
    headers: { 'content-length': '0' },
    body: Buffer.alloc(0),
    scopes: ctx.scopes,
    signal,
  });
  if (res.status !== 201) {
    const err = await toRegistryError('PUT', res);
    // After a resume, a digest the registry rejects means its reported offset was wrong: start over.
    if (resumed && err.hasRegistryCode('DIGEST_INVALID')) {
      throw new FerryError(ErrorCode.Registry, `${err.message} (after resuming the upload)`, {
        cause: err,
        temporary: true,
      });
    }
    throw err;
  }
  await res.body.dump();
  checkCommitted(res, desc, ctx);
}

/** PATCH one chunk; returns true when it had to resume after a failure. */
async function patchWithResume(
  ctx: RepositoryContext,
  session: UploadSession,
  chunk: Buffer,
  start: number,
  signal?: AbortSignal,
): Promise<boolean> {
  let sent = 0; // bytes of this chunk the registry has acknowledged
  const budget = new RetryBudget(ctx.transport.retry, { signal });
  for (;;) {
    const piece = chunk.subarray(sent);
    const from = start + sent;
    try {
      const res = await ctx.transport.request({
        method: 'PATCH',
        url: session.location,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(piece.length),
          'content-range': `${from}-${from + piece.length - 1}`,
        },
        body: piece,
        scopes: ctx.scopes,
        signal,
        retry: false,
      });
      // 202 per spec; ECR answers 201.
      if (res.status !== 202 && res.status !== 201) throw await toRegistryError('PATCH', res);
      await res.body.dump();
      session.location = location(res);
      return budget.used > 0;
    } catch (err) {
      await budget.backOff(err);
      let acknowledged: number;
      try {
        acknowledged = await uploadedBytes(ctx, session, signal);
      } catch (statusErr) {
        // distribution may drop a session whose PATCH was cut off (404 BLOB_UPLOAD_INVALID): the blob
        // has to start over in a new session, which the caller does for temporary errors.
        throw new FerryError(ErrorCode.Registry, 'upload session lost after an interrupted chunk', {
          cause: statusErr,
          temporary: true,
        });
      }
      if (acknowledged < start || acknowledged > start + chunk.length) {
        throw new FerryError(
          ErrorCode.Registry,
          `cannot resume upload: registry has ${acknowledged} bytes, chunk starts at ${start}`,
          {
            cause: err,
            temporary: true,
          },
        );
      }
      sent = acknowledged - start;
      if (sent === chunk.length) return true;
    }
  }
}

/** Upload status (spec: `GET <location>` → 204, `Range: 0-<last>`): number of bytes received. */
export async function uploadedBytes(
  ctx: RepositoryContext,
  session: UploadSession,
  signal?: AbortSignal,
): Promise<number> {
  const res = await requestStatus(ctx, session.location, signal);
  if (res.status !== 204) throw await toRegistryError('GET', res);
  await res.body.dump();
  if (res.headers.location) session.location = location(res);
  return receivedBytes(res);
}

/** What a registry says of an upload session recorded earlier (possibly by another process). */
export type UploadStatus =
  | { readonly known: true; readonly location: string; readonly offset: number }
  | { readonly known: false; readonly reason: string };

/**
 * Whether the registry still holds the session at `sessionLocation`, and how many bytes (spec "Get upload
 * status"). A 4xx means it does not: expired, cancelled, or (distribution 2.8) invalidated because a
 * request was cut off mid-body after the Location was handed out: its `_state` then names an offset the
 * stored data has passed, and registry/handlers/blobupload.go answers 404 BLOB_UPLOAD_INVALID ("upload
 * resumed at wrong offset") and cancels the upload. 401/403, 5xx and network failures throw.
 */
export async function uploadStatus(
  ctx: RepositoryContext,
  sessionLocation: string,
  signal?: AbortSignal,
): Promise<UploadStatus> {
  const res = await requestStatus(ctx, sessionLocation, signal);
  if (res.status === 204) {
    await res.body.dump();
    const next = res.headers.location ? location(res) : sessionLocation;
    return { known: true, location: next, offset: receivedBytes(res) };
  }
  const err = await toRegistryError('GET', res);
  // Credentials refused are not a lost session: the fresh upload would fail the same way.
  const gone = res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403;
  if (gone && !err.temporary) return { known: false, reason: err.message };
  throw err;
}

function requestStatus(
  ctx: RepositoryContext,
  url: string,
  signal: AbortSignal | undefined,
): Promise<RegistryResponse> {
  return ctx.transport.request({ method: 'GET', url, scopes: ctx.scopes, signal });
}

function receivedBytes(res: RegistryResponse): number {
  const range = headerValue(res.headers.range);
  const m = range ? /^(?:bytes=)?0-(\d+)$/.exec(range.trim()) : null;
  // distribution answers `0-0` both for an empty upload and for one byte (it reports size-1 floored
  // at 0). Reading it as empty is right in practice; a wrong guess is caught by the final digest check.
  if (!m || m[1] === '0') return 0;
  return Number(m[1]) + 1;
}

/** Abandon an upload session so the registry can free it (spec "Canceling an upload"). Best effort. */
export async function cancelUpload(ctx: RepositoryContext, session: UploadSession): Promise<void> {
  try {
    const res = await ctx.transport.request({ method: 'DELETE', url: session.location, scopes: ctx.scopes });
    await res.body.dump();
  } catch {
    // The session expires on its own; a failed cancel must not mask the original error.
  }
}
