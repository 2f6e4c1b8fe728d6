import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import type { Descriptor } from '../oci/manifest.ts';
import type { BlobReader } from '../registry/blobs.ts';
import { RegistryError } from '../registry/registry-error.ts';
import { RetryBudget, type RetryPolicy } from '../registry/retry.ts';
import { UploadPrefixMismatchError } from '../registry/upload-chunks.ts';
import type { ChunkedUploadOptions, UploadSession } from '../registry/uploads.ts';
import type { BlobLocations } from './blob-locations.ts';
import type { CopyDestination, CopySource } from './endpoints.ts';
import type { BlobAction, CopyEventListener } from './events.ts';
import type { CheckpointedBlob, UploadCheckpoints } from './upload-checkpoints.ts';

export interface BlobCopyOptions {
  readonly source: CopySource;
  readonly destination: CopyDestination;
  readonly locations: BlobLocations;
  /** Whole-blob retries for temporary failures (either side's). */
  readonly retry: RetryPolicy;
  /** Chunk size for chunked uploads (bytes). */
  readonly chunkSize: number;
  /** Blobs at least this large switch to chunked upload after a failed monolithic attempt. */
  readonly chunkedRetryThreshold: number;
  /** Always upload in chunks (for registries that reject monolithic PUTs). */
  readonly forceChunked: boolean;
  readonly onEvent?: CopyEventListener | undefined;
  /** Called with the size of every chunk streamed (unthrottled; must be cheap). */
  readonly onBytes?: ((bytes: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * Open the upload session and the source GET together with the destination HEAD. Worth it when the
   * blobs are most likely missing (an empty destination repository); wasteful when they are there.
   */
  readonly speculate?: boolean | undefined;
  /** Clean-up work started by preparations (speculative sessions cancelled); the executor awaits it. */
  readonly deferred?: Promise<void>[] | undefined;
  /** Where large uploads record how far they got, so a later run can resume them (promotions). */
  readonly checkpoints?: UploadCheckpoints | undefined;
}

/** Statuses with which registries refuse a monolithic body but would take chunks (413 body too large; 416 range). */
const NEEDS_CHUNKS = new Set([413, 416]);

/** Outcome of the cheap first step for a blob: nothing more to do, or an upload session to stream into. */
export type BlobPreparation =
  | { readonly done: true; readonly action: BlobAction }
  | { readonly done: false; readonly session: UploadSession; readonly reader?: BlobReader | undefined };

/**
 * The cheap first step (no blob bytes move): skip the blob if the destination has it, mount it if the
 * registry has it in a repository we may read, otherwise open an upload session. Split from the
 * transfer so the executor can run these ahead of the streaming slots: at 50 ms RTT the HEAD and POST
 * of the next blobs overlap the current transfers instead of queueing behind them.
 */
export async function prepareBlob(desc: Descriptor, options: BlobCopyOptions): Promise<BlobPreparation> {
  const { source, destination, locations, signal } = options;
  // Another image of this run is sending this blob to this registry, or placing it in this repository:
  // wait, then mount or skip.
  for (
    let pending = busyWith(locations, destination, desc);
    pending;
    pending = busyWith(locations, destination, desc)
  )
    await pending;
  if (locations.has(destination.registry, destination.name, desc.digest))
    return { done: true, action: 'skipped' };

  const mountFrom =
    source.registry === destination.registry && source.name !== destination.name
      ? source.name
      : locations.find(destination.registry, desc.digest, destination.name);

  if (mountFrom) {
    // Same registry: mounting costs one request and moves no bytes; no HEAD first (201 also covers "already there").
    const end = locations.beginPlacing(destination.registry, destination.name, desc.digest);
    let started: Awaited<ReturnType<CopyDestination['startUpload']>>;
    try {
      started = await destination.startUpload({ digest: desc.digest, from: mountFrom }, signal);
      if (started.mounted) locations.add(destination.registry, destination.name, desc.digest);
    } finally {
      end();
    }
    if (started.mounted) {
      locations.add(destination.registry, destination.name, desc.digest);
      return { done: true, action: 'mounted' };
    }
    return { done: false, session: started.session };
  }
  if (!options.speculate) {
    const present = await destination.headBlob(desc.digest, signal);
    if (present !== undefined) {
      locations.add(destination.registry, destination.name, desc.digest);
      return { done: true, action: 'skipped' };
    }
    // Missing: open the session and send the source GET together (one round trip for both).
    const reader = source.openBlob(desc, signal, { eager: true });
    try {
      return { done: false, session: await openSession(destination, signal), reader };
    } catch (err) {
      await reader.release();
      throw err;
    }
  }
  // The destination repository looked empty: HEAD, upload session and source GET at once, so a
  // missing blob starts streaming after one round trip instead of two. If the HEAD finds the blob
  // after all, the session is cancelled and the GET released, off the critical path (`deferred`).
  const heading = destination.headBlob(desc.digest, signal);
  const opening = openSession(destination, signal);
  opening.catch(() => undefined); // awaited or cleaned up below
  const reader = source.openBlob(desc, signal, { eager: true });
  let present: number | undefined;
  try {
    present = await heading;
  } catch (err) {
    options.deferred?.push(discard(opening, reader, destination));
    throw err;
  }
  if (present !== undefined) {
    locations.add(destination.registry, destination.name, desc.digest);
    const cleanup = discard(opening, reader, destination);
    if (options.deferred) options.deferred.push(cleanup);
    else await cleanup;
    return { done: true, action: 'skipped' };
  }
  try {
    return { done: false, session: await opening, reader };
  } catch (err) {
    await reader.release();
    throw err;
  }
}

/** Release a speculative source response and cancel a speculative upload session; never throws. */
async function discard(
  opening: Promise<UploadSession>,
  reader: BlobReader,
  destination: CopyDestination,
): Promise<void> {
  await reader.release().catch(() => undefined);
  const session = await opening.catch(() => undefined);
  if (session) await destination.cancelUpload(session);
}

/**
 * Make one blob present in the destination repository (prepare, then transfer). A digest mismatch
 * aborts the upload (the registry never commits it) and is never retried.
 */
export async function copyBlob(desc: Descriptor, options: BlobCopyOptions): Promise<BlobAction> {
  const prepared = await prepareBlob(desc, options);
  if (prepared.done) return prepared.action;
  return transferBlob(desc, prepared.session, options, prepared.reader);
}

/**
 * Stream a blob into an open session, with whole-blob retries for temporary failures. With
 * `options.checkpoints`, a blob of at least their `minBlobSize` going to a registry is uploaded in
 * checkpointed chunks, and continues from a checkpoint an earlier run left when the registry still holds
 * that session (see upload-checkpoints.ts).
 */
export async function transferBlob(
  desc: Descriptor,
  firstSession: UploadSession,
  options: BlobCopyOptions,
  firstReader?: BlobReader,
): Promise<BlobAction> {
  const { source, destination, locations, signal } = options;
  const resumable = resumableUpload(desc, options);
  let session: UploadSession | undefined = firstSession;
  let pendingReader = firstReader;
  let chunked = options.forceChunked || resumable !== undefined;
  const budget = new RetryBudget(options.retry, {
    signal,
    onRetry: ({ attempt, error }) =>
      options.onEvent?.({
        type: 'blob-retry',
        digest: desc.digest,
        attempt,
        reason: error instanceof Error ? error.message : String(error),
      }),
  });
  for (;;) {
    const stream = pendingReader ?? source.openBlob(desc, signal);
    pendingReader = undefined; // the pre-opened reader serves the first attempt only
    const started = Date.now();
    let lastEmit = 0;
    let lastBytes = 0;
    stream.onProgress = (bytes) => {
      options.onBytes?.(bytes - lastBytes);
      lastBytes = bytes;
      const now = Date.now();
      if (now - lastEmit >= 100 || bytes === desc.size) {
        lastEmit = now;
        options.onEvent?.({ type: 'blob-progress', digest: desc.digest, bytes, size: desc.size });
      }
    };
    let checkpointed = false; // the recorded checkpoint names this attempt's session
    try {
      let chunkOptions: ChunkedUploadOptions | undefined;
      if (resumable) {
        const recorded = await resumeRecorded(resumable, destination, session, options);
        session = recorded.session;
        checkpointed = recorded.resume !== undefined;
        chunkOptions = {
          resume: recorded.resume,
          onChunk: async (point) => {
            await resumable.checkpoints.save(resumable.blob, point);
            checkpointed = true;
          },
        };
      }
      session ??= await openSession(destination, signal);
      if (chunked) {
        const chunkSize = resumable?.checkpoints.chunkSize ?? options.chunkSize;
        await destination.putChunked(session, desc, stream, chunkSize, signal, chunkOptions);
      } else await destination.putMonolithic(session, desc, stream, signal);
      locations.add(destination.registry, destination.name, desc.digest);
      if (resumable) await resumable.checkpoints.clear(resumable.blob);
      return 'copied';
    } catch (caught) {
      // The reader's own failure (digest mismatch, source error) is the real cause when undici reports
      // the upload as aborted; return() releases the source response if undici stopped iterating.
      const err = stream.error ?? caught;
      await stream.release();
      const digestMismatch = err instanceof FerryError && err.code === ErrorCode.DigestMismatch;
      // A checkpointed session outlives this attempt (and this process): the next attempt, or whoever
      // takes the promotion over after an abort, continues it. Unless what it holds is suspect.
      const suspect = digestMismatch || err instanceof UploadPrefixMismatchError || resumeRejected(err);
      if (session && !(checkpointed && !suspect)) await destination.cancelUpload(session);
      if (resumable && suspect) await resumable.checkpoints.clear(resumable.blob);
      session = undefined;
      if (digestMismatch) throw err;
      if (signal?.aborted) throw caught;
      if (!chunked && err instanceof RegistryError && NEEDS_CHUNKS.has(err.status)) {
        chunked = true; // not a failed attempt: the registry told us how it wants the data
      } else {
        // A large blob that failed once goes chunked, so a further failure resumes instead of restarting.
        if (desc.size >= options.chunkedRetryThreshold && Date.now() - started > 1000) chunked = true;
        await budget.backOff(err);
      }
    }
  }
}

/** The checkpoints to use for this blob, or undefined when it is uploaded the ordinary way. */
function resumableUpload(
  desc: Descriptor,
  options: BlobCopyOptions,
): { readonly checkpoints: UploadCheckpoints; readonly blob: CheckpointedBlob } | undefined {
  const { checkpoints, destination } = options;
  if (!checkpoints || !destination.uploadStatus || desc.size < checkpoints.minBlobSize) return undefined;
  return {
    checkpoints,
    blob: {
      registry: destination.registry,
      repository: destination.name,
      digest: desc.digest,
      size: desc.size,
    },
  };
}

/**
 * The session to upload into: the recorded one, when the registry still holds exactly the bytes the
 * checkpoint says (the session at hand is then cancelled), else the session at hand (or a new one).
 * A registry reporting another offset than recorded is not trusted to hold what ferry sent.
 */
async function resumeRecorded(
  resumable: { readonly checkpoints: UploadCheckpoints; readonly blob: CheckpointedBlob },
  destination: CopyDestination,
  session: UploadSession | undefined,
  options: BlobCopyOptions,
): Promise<{ session: UploadSession | undefined; resume?: { offset: number; prefixDigest: string } }> {
  const { checkpoints, blob } = resumable;
  const point = await checkpoints.load(blob);
  if (!point || !destination.uploadStatus) return { session };
  const status = await destination.uploadStatus(point.location, options.signal);
  const usable = status.known && status.offset === point.offset && point.offset <= blob.size;
  if (!usable) {
    const reason = !status.known
      ? status.reason
      : `the registry holds ${status.offset} bytes of the session, the checkpoint says ${point.offset}`;
    checkpoints.report(blob, { resumed: false, offset: point.offset, reason });
    await checkpoints.clear(blob);
    return { session };
  }
  if (session) {
    const cancelling = destination.cancelUpload(session);
    if (options.deferred) options.deferred.push(cancelling);
    else await cancelling;
  }
  checkpoints.report(blob, { resumed: true, offset: point.offset });
  return {
    session: { location: status.location, minChunkLength: undefined },
    resume: { offset: point.offset, prefixDigest: point.prefixDigest },
  };
}

/** The registry refused the digest of a resumed upload: what the session held was not what we thought. */
function resumeRejected(err: unknown): boolean {
  return (
    err instanceof FerryError &&
    err.cause instanceof RegistryError &&
    err.cause.hasRegistryCode('DIGEST_INVALID')
  );
}

async function openSession(destination: CopyDestination, signal?: AbortSignal): Promise<UploadSession> {
  const started = await destination.startUpload(undefined, signal);
  if (started.mounted)
    throw new FerryError(ErrorCode.Registry, 'registry reported a mount for a plain upload');
  return started.session;
}

/** A transfer of this blob to the destination registry, or a placement into its repository, under way. */
export function busyWith(
  locations: BlobLocations,
  destination: CopyDestination,
  desc: Descriptor,
): Promise<void> | undefined {
  return (
    locations.inFlight(destination.registry, desc.digest) ??
    locations.placing(destination.registry, destination.name, desc.digest)
  );
}
