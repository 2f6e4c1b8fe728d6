import { BadUsageError, NotFoundError } from '../errors/kinds.ts';
import { isDigest } from '../oci/digest.ts';
import type { Descriptor } from '../oci/manifest.ts';
import type { PlatformSpec } from '../oci/platform.ts';
import type { ManifestHead } from '../registry/manifests.ts';
import { RegistryError } from '../registry/registry-error.ts';
import type { RetryPolicy } from '../registry/retry.ts';
import { type Admit, admissionCandidate } from './admission.ts';
import { discoverArtifacts, prefetchArtifactHints } from './artifacts.ts';
import {
  type BlobCopyOptions,
  type BlobPreparation,
  busyWith,
  prepareBlob,
  transferBlob,
} from './blob-copy.ts';
import { BlobLocations } from './blob-locations.ts';
import type { ConversionOptions } from './conversion-plan.ts';
import type { CopyDestination, CopySource } from './endpoints.ts';
import type { BlobAction, CopyEventListener } from './events.ts';
import { forEachLimit } from './limit.ts';
import { createLimiter } from './limiter.ts';
import { type CopyPlan, type PlannedManifest, planCopy } from './plan.ts';
import { completeTree } from './source-tree.ts';
import type { UploadCheckpoints } from './upload-checkpoints.ts';

export interface CopyImageOptions {
  readonly source: CopySource;
  /** Tag or digest on the source. */
  readonly sourceReference: string;
  readonly destination: CopyDestination;
  /** Tag to set at the destination; undefined ⇒ push by digest only. */
  readonly destinationTag?: string | undefined;
  readonly platforms?: readonly PlatformSpec[] | undefined;
  /**
   * For destinations that hold one image (docker-archive): the platform to take from an index when
   * `platforms` is not given — skopeo's default `copy.CopySystemImage`. Ignored for a single image.
   */
  readonly indexPlatform?: PlatformSpec | undefined;
  /** Copy cosign signatures/attestations/SBOMs and OCI referrers of the copied digests (default true). */
  readonly signatures?: boolean | undefined;
  /** Blobs in flight at once (default 6, like skopeo's --image-parallel-copies). */
  readonly parallel?: number | undefined;
  /** Whole-blob retries; default: the more patient of the two sides' policies. */
  readonly retry?: RetryPolicy | undefined;
  readonly chunkSize?: number | undefined;
  readonly chunkedRetryThreshold?: number | undefined;
  readonly forceChunked?: boolean | undefined;
  /**
   * Asked after the source manifest is read and before anything is written (a containers policy);
   * throwing refuses the image and the copy writes nothing.
   */
  readonly admit?: Admit | undefined;
  /** Shared across copies of one run so blobs pushed once are mounted afterwards. */
  readonly locations?: BlobLocations | undefined;
  /**
   * What the destination tag points at, as the caller just found out (null: nothing): the copy then
   * does not ask again. The promotion service HEADs the tag for its immutable-tag check right before.
   */
  readonly destinationHead?: ManifestHead | null | undefined;
  readonly onEvent?: CopyEventListener | undefined;
  /** Called with the size of every chunk streamed (for throughput meters or memory policies). */
  readonly onBytes?: ((bytes: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
  /**
   * Manifest format conversion and layer (re)compression (`--format`, `--dest-compress*`). Absent: the
   * byte-for-byte copy, digests preserved. Present: the conversion path (convert-image.ts).
   */
  readonly conversion?: ConversionOptions | undefined;
  /**
   * Upload large blobs in checkpointed chunks and resume them from an earlier run's checkpoint (the
   * promotion service passes its store's). Absent: uploads are never resumed across runs.
   */
  readonly checkpoints?: UploadCheckpoints | undefined;
}

export interface CopyResult {
  /** Digest the destination now serves (equals sourceDigest unless a platform subset was chosen). */
  readonly digest: string;
  readonly sourceDigest: string;
  readonly mediaType: string;
  readonly upToDate: boolean;
  readonly blobs: { copied: number; mounted: number; skipped: number };
  readonly bytes: { copied: number; mounted: number; skipped: number };
  readonly manifestsPushed: number;
  readonly artifacts: number;
  readonly durationMs: number;
}

/**
 * Copy one image (or index) registry → registry. Order matters for crash safety: blobs, then child
 * manifests by digest, then the top manifest under the tag, so a failure at any point leaves the
 * destination tag untouched (never pointing at something incomplete).
 */
export async function copyImage(options: CopyImageOptions): Promise<CopyResult> {
  // process.hrtime, not performance.now(): the `performance` global loads node:perf_hooks on first
  // use (~1.5% of a no-op copy's CPU, V8 CPU profile) for one duration.
  const started = process.hrtime.bigint();
  const { source, destination, signal } = options;
  const emit = options.onEvent;
  const locations = options.locations ?? new BlobLocations();
  const destRef =
    options.destinationTag ?? (isDigest(options.sourceReference) ? options.sourceReference : undefined);

  // Source manifest, destination state and artifact hints in parallel: the no-op case costs one
  // round trip here. The manifest request goes first: on an insecure registry it is the one that
  // learns the scheme (see RegistryTransport), the others follow it.
  const fetching = source.getManifest(options.sourceReference, signal);
  const heading =
    options.destinationHead !== undefined
      ? Promise.resolve(options.destinationHead ?? undefined)
      : destRef
        ? destination.headManifest(destRef, signal)
        : Promise.resolve(undefined);
  // Hints are an optimisation: if they fail, discovery asks tag by tag instead.
  const hints =
    options.signatures === false ? undefined : prefetchArtifactHints(source, signal).catch(() => undefined);
  // Whether the destination repository has any tag: if not, its blobs are almost surely missing too
  // (registries link blobs per repository) and blob preparation may speculate (see prepareBlob).
  const destinationTags = destRef
    ? destination.listTagsPage(undefined, signal).then(
        (page) => page.tags.length > 0,
        // NAME_UNKNOWN: the repository does not exist yet. Anything else: no opinion.
        (err: unknown) => (err instanceof RegistryError && err.status === 404 ? false : undefined),
      )
    : Promise.resolve(undefined);
  const [fetched, existing] = await Promise.all([fetching, heading]);
  if (!fetched) {
    throw new NotFoundError(`${source.registry}/${source.name}:${options.sourceReference} not found`);
  }
  // A destination that holds one image (docker-archive) takes the index's image for this platform.
  const platforms =
    options.platforms ??
    (options.indexPlatform && fetched.parsed.kind === 'index' ? [options.indexPlatform] : undefined);
  if (options.admit) {
    await options.admit(admissionCandidate(source, fetched.digest, fetched.parsed, platforms), signal);
  }
  emit?.({
    type: 'resolved',
    source: `${source.registry}/${source.name}`,
    digest: fetched.digest,
    mediaType: fetched.parsed.mediaType,
  });

  const artifactWork = hints?.then((h) => discoverArtifacts(source, fetched.digest, h, signal));
  artifactWork?.catch(() => undefined); // awaited below; avoid an unhandled rejection while blobs copy

  const counters = {
    blobs: { copied: 0, mounted: 0, skipped: 0 },
    bytes: { copied: 0, mounted: 0, skipped: 0 },
  };
  let digest = fetched.digest;
  let mediaType = fetched.parsed.mediaType;
  let upToDate = false;
  let manifestsPushed = 0;
  let plan: CopyPlan | undefined;

  // A conversion's result is known only after converting; the source digest says nothing about it.
  if (!platforms?.length && !options.conversion && existing?.digest === fetched.digest) {
    upToDate = true;
    emit?.({ type: 'up-to-date', destination: `${destination.registry}/${destination.name}`, digest });
  } else {
    const tree = await completeTree(source, fetched.digest, fetched.parsed, signal);
    plan = planCopy(tree, { platforms });
    for (const message of plan.warnings) emit?.({ type: 'warning', message });
    const blobOptions = {
      source,
      destination,
      locations,
      retry: options.retry ?? morePatient(source.retry, destination.retry),
      chunkSize: options.chunkSize ?? 16 * 1024 * 1024,
      chunkedRetryThreshold: options.chunkedRetryThreshold ?? 64 * 1024 * 1024,
      forceChunked: options.forceChunked ?? false,
      onEvent: emit,
      onBytes: options.onBytes,
      signal,
      checkpoints: options.checkpoints,
      parallel: options.parallel ?? 6,
      counters,
    };
    if (options.conversion) {
      const what = `${source.registry}/${source.name}${isDigest(options.sourceReference) ? '@' : ':'}${options.sourceReference}`;
      // Loaded on demand: the byte-for-byte path (and its start-up time) never pays for zlib and friends.
      const { copyConverted, prepareConversion } = await import('./convert-image.ts');
      const prepared = prepareConversion(plan, options.conversion, what);
      emit?.({
        type: 'plan',
        blobs: plan.blobs.length,
        totalBytes: plan.totalBytes,
        manifests: plan.manifests.length + 1,
      });
      const speculate = (await destinationTags) === false;
      const converted = await copyConverted(prepared, {
        ...blobOptions,
        conversion: options.conversion,
        copyBlobs: (blobs) => copyBlobs(blobs, { ...blobOptions, speculate }),
      });
      plan = { ...plan, top: converted.top, manifests: converted.manifests };
      if (destRef && isDigest(destRef) && destRef !== converted.top.digest) {
        // skopeo: "Destination specifies a digest" forbids modifying the manifest; nothing is tagged.
        throw new BadUsageError(
          `the destination names digest ${destRef}, but the converted image is ${converted.top.digest}`,
        );
      }
    }
    digest = plan.top.digest;
    mediaType = plan.top.mediaType;
    if (options.conversion && existing?.digest === plan.top.digest) {
      upToDate = true;
      emit?.({ type: 'up-to-date', destination: `${destination.registry}/${destination.name}`, digest });
    } else if (options.conversion) {
      ({ pushed: manifestsPushed, digest } = await pushTop(destination, plan, destRef, options));
    } else if (existing?.digest === plan.top.digest) {
      upToDate = true;
      emit?.({ type: 'up-to-date', destination: `${destination.registry}/${destination.name}`, digest });
    } else {
      emit?.({
        type: 'plan',
        blobs: plan.blobs.length,
        totalBytes: plan.totalBytes,
        manifests: plan.manifests.length + 1,
        descriptors: plan.blobs.map(({ digest, size, mediaType }) => ({ digest, size, mediaType })),
      });
      await copyBlobs(plan.blobs, { ...blobOptions, speculate: (await destinationTags) === false });
      ({ pushed: manifestsPushed, digest } = await pushTop(destination, plan, destRef, options));
    }
  }

  let artifacts = 0;
  if (artifactWork && options.conversion && digest !== fetched.digest) {
    // Signatures and referrers name the source digest, which the converted image does not have.
    const found = await artifactWork;
    if (found.tags.length + found.referrers.length > 0) {
      emit?.({
        type: 'warning',
        message: `signatures and referrers of ${fetched.digest} are not copied: the converted image is ${digest}`,
      });
    }
  } else if (artifactWork) {
    artifacts = await copyArtifacts(await artifactWork, options, locations, counters);
  }

  return {
    digest,
    sourceDigest: fetched.digest,
    mediaType,
    upToDate,
    blobs: counters.blobs,
    bytes: counters.bytes,
    manifestsPushed,
    artifacts,
    durationMs: Number((process.hrtime.bigint() - started) / 1_000_000n),
  };
}

/** Children by digest, then the top manifest under the tag (or its digest), last. Returns how many were pushed. */
/**
 * Child manifests, then the top one under its tag. Returns how many were pushed and the digest the
 * destination holds: the pushed bytes' for registries and layouts; a docker-archive stores a manifest
 * of its own (skopeo reports that one too).
 */
async function pushTop(
  destination: CopyDestination,
  plan: CopyPlan,
  destRef: string | undefined,
  options: CopyImageOptions,
): Promise<{ pushed: number; digest: string }> {
  const pushed = await pushManifests(destination, plan.manifests, options);
  const digest = await destination.putManifest(
    destRef ?? plan.top.digest,
    plan.top.bytes,
    plan.top.mediaType,
    options.signal,
    true,
  );
  options.onEvent?.({
    type: 'manifest',
    digest,
    mediaType: plan.top.mediaType,
    reference: destRef ?? plan.top.digest,
  });
  return { pushed: pushed + 1, digest };
}

/** Child manifests by digest: images first (in parallel), then nested indexes in post-order. */
async function pushManifests(
  destination: CopyDestination,
  manifests: readonly PlannedManifest[],
  options: CopyImageOptions,
): Promise<number> {
  const isIndex = (m: PlannedManifest) => m.mediaType.includes('index') || m.mediaType.includes('list');
  const images = manifests.filter((m) => !isIndex(m));
  const indexes = manifests.filter(isIndex);
  await forEachLimit(images, options.parallel ?? 6, async (m) => {
    await destination.putManifest(m.digest, m.bytes, m.mediaType, options.signal);
    options.onEvent?.({ type: 'manifest', digest: m.digest, mediaType: m.mediaType, reference: m.digest });
  });
  for (const m of indexes) {
    await destination.putManifest(m.digest, m.bytes, m.mediaType, options.signal);
    options.onEvent?.({ type: 'manifest', digest: m.digest, mediaType: m.mediaType, reference: m.digest });
  }
  return manifests.length;
}

async function copyArtifacts(
  found: Awaited<ReturnType<typeof discoverArtifacts>>,
  options: CopyImageOptions,
  locations: BlobLocations,
  counters: { blobs: CopyResult['blobs']; bytes: CopyResult['bytes'] },
): Promise<number> {
  const jobs = [
    ...found.tags.map((tag) => ({
      kind: 'signature' as const,
      reference: tag,
      tag: tag as string | undefined,
    })),
    ...found.referrers.map((d) => ({ kind: 'referrer' as const, reference: d.digest, tag: undefined })),
  ];
  await forEachLimit(jobs, 4, async (job) => {
    const result = await copyImage({
      ...options,
      sourceReference: job.reference,
      destinationTag: job.tag,
      destinationHead: undefined, // the image's tag was checked, not the artifact's
      platforms: undefined,
      conversion: undefined, // artifacts name the digests they sign: copied as they are
      signatures: false, // one level: signatures of signatures are not followed
      admit: undefined, // the image they belong to was admitted; they are not images to judge
      locations,
      // The artifact's own resolve/plan/manifest chatter would read like a second image copy.
      onEvent: (e) => {
        if (e.type.startsWith('blob') || e.type === 'warning') options.onEvent?.(e);
      },
    });
    for (const k of ['copied', 'mounted', 'skipped'] as const) {
      counters.blobs[k] += result.blobs[k];
      counters.bytes[k] += result.bytes[k];
    }
    options.onEvent?.({
      type: 'artifact',
      kind: job.kind,
      reference: job.reference,
      digest: result.digest,
      upToDate: result.upToDate,
    });
  });
  return jobs.length;
}

/**
 * Blobs: `parallel` streaming slots, largest blob first, and the cheap per-blob preparation (HEAD,
 * mount, opening the upload session) running ahead of them with twice that concurrency, so round trips
 * overlap transfers. On failure, sessions opened ahead and never used are cancelled.
 */
async function copyBlobs(
  blobs: readonly Descriptor[],
  options: BlobCopyOptions & {
    parallel: number;
    counters: { blobs: CopyResult['blobs']; bytes: CopyResult['bytes'] };
  },
): Promise<void> {
  const deferred: Promise<void>[] = [];
  options = { ...options, deferred };
  const ahead = createLimiter(Math.max(2, options.parallel * 2));
  const prepared = blobs.map((blob) => ahead(() => prepareBlob(blob, options)));
  for (const p of prepared) p.catch(() => undefined); // each is awaited below, or cleaned up
  const used = new Set<number>();
  try {
    await forEachLimit(
      blobs.map((_, i) => i),
      options.parallel,
      async (i) => {
        const blob = blobs[i]!;
        used.add(i);
        options.onEvent?.({
          type: 'blob-start',
          digest: blob.digest,
          size: blob.size,
          mediaType: blob.mediaType,
        });
        let prep = await prepared[i]!;
        // Prepared before another image sent (or started sending) this blob to the same registry:
        // drop the session, wait for that transfer, and decide again (skip or mount). Bounded: a
        // mount the registry refuses leaves a session, which is then used.
        for (let round = 0; !prep.done && round < 3; round++) {
          const pending = busyWith(options.locations, options.destination, blob);
          const known =
            round === 0 &&
            (options.locations.has(options.destination.registry, options.destination.name, blob.digest) ||
              options.locations.find(options.destination.registry, blob.digest, options.destination.name) !==
                undefined);
          if (!pending && !known) break;
          await discardPreparation(prep, options.destination);
          if (pending) await pending;
          prep = await prepareBlob(blob, options);
        }
        let action: BlobAction;
        if (prep.done) action = prep.action;
        else {
          const endTransfer = options.locations.beginTransfer(options.destination.registry, blob.digest);
          const endPlacing = options.locations.beginPlacing(
            options.destination.registry,
            options.destination.name,
            blob.digest,
          );
          try {
            action = await transferBlob(blob, prep.session, options, prep.reader);
          } finally {
            endPlacing();
            endTransfer();
          }
        }
        options.counters.blobs[action] += 1;
        options.counters.bytes[action] += blob.size;
        options.onEvent?.({ type: 'blob-done', digest: blob.digest, size: blob.size, action });
      },
    );
  } catch (err) {
    const leftovers = await Promise.allSettled(prepared.filter((_, i) => !used.has(i)));
    await Promise.all(
      leftovers.map((r) =>
        r.status === 'fulfilled' ? discardPreparation(r.value, options.destination) : undefined,
      ),
    );
    throw err;
  } finally {
    // Speculative sessions of blobs that turned out present: cancelled while the rest streamed.
    await Promise.all(deferred);
  }
}

/** Give back what a preparation holds: the pre-opened source response and the upload session. */
async function discardPreparation(prep: BlobPreparation, destination: CopyDestination): Promise<void> {
  if (prep.done) return;
  await prep.reader?.release();
  await destination.cancelUpload(prep.session);
}

/** A blob transfer can fail on either side: a layout source (no retries) must not stop a registry's. */
function morePatient(a: RetryPolicy, b: RetryPolicy): RetryPolicy {
  return b.times > a.times ? b : a;
}
