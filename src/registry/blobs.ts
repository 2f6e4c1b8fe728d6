import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { DigestVerifier } from '../oci/digest-verifier.ts';
import type { Descriptor } from '../oci/manifest.ts';
import { wrapNetworkError } from './network-error.ts';
import { redactUrl } from './redact-url.ts';
import { headerValue, type RegistryResponse } from './registry-transport.ts';
import { encodePath, type RepositoryContext, toRegistryError } from './repository-context.ts';
import { RetryBudget } from './retry.ts';
import { discardResponse } from './transport/exchange.ts';

function blobPath(ctx: RepositoryContext, digest: string): string {
  return `/v2/${encodePath(ctx.name)}/blobs/${digest}`;
}

/** Size of the blob if the repository has it, else undefined. */
export async function headBlob(
  ctx: RepositoryContext,
  digest: string,
  signal?: AbortSignal,
): Promise<number | undefined> {
  const res = await ctx.transport.request({
    method: 'HEAD',
    url: blobPath(ctx, digest),
    scopes: ctx.scopes,
    signal,
  });
  if (res.status !== 200 && res.status !== 404) throw await toRegistryError('HEAD', res);
  await res.body.dump();
  if (res.status === 404) return undefined;
  const length = headerValue(res.headers['content-length']);
  return length === undefined ? -1 : Number(length);
}

/** A small blob (config, signature payload) read whole and verified. */
export async function getBlobBytes(
  ctx: RepositoryContext,
  desc: Descriptor,
  signal?: AbortSignal,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of openBlob(ctx, desc, signal)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * A blob being read: an async iterable of verified chunks, handed straight to undici as an upload body
 * (no stream adapters in between: each layer of Readable/Transform costs CPU per chunk, and on two
 * cores the registries need it). The last chunk is only released after size and digest check out, so
 * a corrupt blob makes the upload fail before its body is complete and the registry commits nothing.
 */
export interface BlobReader extends AsyncGenerator<Buffer, void, undefined> {
  /** Called with the running byte count per chunk; must be cheap. */
  onProgress: ((bytes: number) => void) | undefined;
  /** The error the reader itself failed with (digest/size mismatch, source failure), if any. */
  readonly error: unknown;
  /** Abandon the reader, releasing its HTTP response even if iteration never started. */
  release(): Promise<void>;
}

export interface OpenBlobOptions {
  /**
   * Send the GET now instead of on first read, so its round trip overlaps other work (the executor
   * opens the upload session meanwhile). The response waits, flow-controlled, until read.
   */
  readonly eager?: boolean | undefined;
}

/**
 * Stream a blob, verifying size and digest as it flows. A connection dropped mid-body is resumed with
 * `Range: bytes=N-` (spec "Pulling blobs"; the registry answers 206 with Content-Range) instead of
 * starting over; if the server ignores Range (200), the already-seen prefix is skipped. Call `release()`
 * on a reader abandoned early: that frees its HTTP response.
 */
export function openBlob(
  ctx: RepositoryContext,
  desc: Descriptor,
  signal?: AbortSignal,
  options: OpenBlobOptions = {},
): BlobReader {
  const what = `blob ${desc.digest} of ${ctx.transport.registry}/${ctx.name}`;
  const verifier = new DigestVerifier(desc.digest, desc.size, what);
  const state: { error: unknown; onProgress: ((bytes: number) => void) | undefined; started: boolean } = {
    error: undefined,
    onProgress: undefined,
    started: false,
  };
  // release() aborts a read under way: a consumer that reads ahead (a chunked upload) may stop while a
  // read waits on a stalled source, and return() alone would wait behind it.
  const released = new AbortController();
  const readSignal = signal ? AbortSignal.any([signal, released.signal]) : released.signal;
  const first = options.eager ? requestBlob(ctx, desc, 0, readSignal) : undefined;
  first?.catch(() => undefined); // surfaced when read
  async function* read(): AsyncGenerator<Buffer, void, undefined> {
    state.started = true;
    try {
      for await (const chunk of resumableChunks(ctx, desc, readSignal, first)) {
        verifier.update(chunk);
        state.onProgress?.(verifier.bytes);
        yield chunk;
      }
      verifier.finish();
    } catch (err) {
      state.error = err;
      throw err;
    }
  }
  const gen = read();
  return Object.defineProperties(gen, {
    onProgress: {
      get: () => state.onProgress,
      set: (fn: ((bytes: number) => void) | undefined) => {
        state.onProgress = fn;
      },
    },
    error: { get: () => state.error },
    release: {
      value: async () => {
        // Once reading began, the response is destroyed anyway; before, a small one is drained instead
        // and its connection kept (discardResponse).
        if (state.started) released.abort();
        if (!state.started && first) {
          const res = await first.catch(() => undefined);
          if (res) await discardResponse(res);
        }
        await gen.return(undefined).catch(() => undefined);
      },
    },
  }) as BlobReader;
}

function requestBlob(
  ctx: RepositoryContext,
  desc: Descriptor,
  offset: number,
  signal?: AbortSignal,
): Promise<RegistryResponse> {
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  return ctx.transport.request({
    method: 'GET',
    url: blobPath(ctx, desc.digest),
    headers,
    scopes: ctx.scopes,
    signal,
  });
}

async function* resumableChunks(
  ctx: RepositoryContext,
  desc: Descriptor,
  signal?: AbortSignal,
  first?: Promise<RegistryResponse>,
): AsyncGenerator<Buffer, void, undefined> {
  let offset = 0;
  const budget = new RetryBudget(ctx.transport.retry, { signal });
  for (;;) {
    // The eagerly sent first request, when there is one; every resume asks from the current offset.
    const pending =
      offset === 0 && budget.used === 0 && first ? first : requestBlob(ctx, desc, offset, signal);
    const res = await pending;
    let skip = 0;
    if (offset > 0 && res.status === 206) {
      const start = parseContentRangeStart(headerValue(res.headers['content-range']));
      if (start !== offset) {
        await discardResponse(res);
        throw new FerryError(
          ErrorCode.Registry,
          `resuming ${desc.digest}: server sent range starting at ${start}, wanted ${offset}`,
        );
      }
    } else if (res.status === 200) {
      skip = offset; // Range ignored: drop what we already passed on.
    } else {
      throw await toRegistryError('GET', res);
    }
    try {
      for await (const raw of res.body as AsyncIterable<Buffer>) {
        let chunk = raw;
        if (skip > 0) {
          if (chunk.length <= skip) {
            skip -= chunk.length;
            continue;
          }
          chunk = chunk.subarray(skip);
          skip = 0;
        }
        offset += chunk.length;
        yield chunk;
      }
      return;
    } catch (err) {
      await budget.backOff(wrapNetworkError(err, 'GET', redactUrl(res.url)));
    } finally {
      if (!res.body.destroyed) res.body.destroy();
    }
  }
}

function parseContentRangeStart(value: string | undefined): number | undefined {
  const m = value ? /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(value.trim()) : null;
  return m ? Number(m[1]) : undefined;
}

export type { RegistryResponse };
