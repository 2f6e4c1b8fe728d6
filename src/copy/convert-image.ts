/**
 * The conversion path of a copy (`--format`, `--dest-compress*`): chosen in planning, separate from
 * the byte-for-byte path so that one stays exactly as it is. Blobs that do not change are copied as
 * usual (skip, mount, stream); layers to re-encode are read (digest-verified), transformed into a
 * spool file and uploaded with their new digest; a Docker config becomes its OCI form. Only then are
 * the new manifests built, so they name exactly what the destination holds. Like skopeo
 * (`copy/copy.go` copyMultipleImages) every image of an index is converted and the index is rewritten
 * to match.
 */
import { rm } from 'node:fs/promises';
import { BadUsageError } from '../errors/kinds.ts';
import { ConversionError } from '../oci/conversion-error.ts';
import { convertIndex, type IndexEntryUpdate } from '../oci/convert-index.ts';
import { type ConvertedLayer, convertImageManifest } from '../oci/convert-manifest.ts';
import { sha256Digest } from '../oci/digest.ts';
import { type Compression, manifestFormatOf } from '../oci/layer-compression.ts';
import { type Descriptor, type ParsedManifest, parseManifest } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import { ociConfigFromDocker } from '../oci/oci-config-from-docker.ts';
import { withRetry } from '../registry/retry.ts';
import { type BlobCopyOptions, copyBlob } from './blob-copy.ts';
import {
  type ConversionOptions,
  formatName,
  type ImageConversionPlan,
  planImageConversion,
  refuseDigestChange,
} from './conversion-plan.ts';
import { ConvertedBlobs } from './converted-blobs.ts';
import type { BlobAction } from './events.ts';
import { forEachLimit } from './limit.ts';
import type { CopyPlan, PlannedManifest } from './plan.ts';
import { createSpoolDir, transformLayer } from './transform-layer.ts';

type Counters = {
  blobs: Record<BlobAction, number>;
  bytes: Record<BlobAction, number>;
};

export interface ConvertCopyOptions extends BlobCopyOptions {
  readonly conversion: ConversionOptions;
  readonly parallel: number;
  readonly counters: Counters;
  /** Copies the blobs that do not change (the executor's ordinary blob copy). */
  readonly copyBlobs: (blobs: readonly Descriptor[]) => Promise<void>;
}

export interface ConvertedCopy {
  readonly top: PlannedManifest;
  /** Child manifests to push by digest before the top one. */
  readonly manifests: readonly PlannedManifest[];
}

interface ImageWork {
  readonly digest: string;
  readonly parsed: Extract<ParsedManifest, { kind: 'image' }>;
  readonly plan: ImageConversionPlan;
}

/** What the conversion will do, decided before any byte moves (refusals included). */
export interface PreparedConversion {
  readonly plan: CopyPlan;
  readonly top: ParsedManifest;
  readonly images: readonly ImageWork[];
  readonly indexTo: ReturnType<typeof manifestFormatOf>;
}

/** Parse and plan every image of the copy plan; throws for what cannot or may not be converted. */
export function prepareConversion(
  plan: CopyPlan,
  conversion: ConversionOptions,
  what: string,
): PreparedConversion {
  const top = parseManifest(plan.top.bytes, plan.top.mediaType, what);
  const images: ImageWork[] = [];
  const planned = new Map(plan.manifests.map((m) => [m.digest, m]));
  const addImage = (digest: string, parsed: ParsedManifest, label: string) => {
    if (parsed.kind !== 'image')
      throw new ConversionError(`${label} is a nested index, which ferry does not convert`);
    images.push({
      digest,
      parsed,
      plan: planImageConversion(parsed.mediaType, parsed.manifest, conversion, label),
    });
  };
  let indexFrom: ReturnType<typeof manifestFormatOf>;
  if (top.kind === 'image') addImage(plan.top.digest, top, what);
  else {
    indexFrom = manifestFormatOf(top.mediaType);
    const seen = new Set<string>();
    for (const entry of top.manifest.manifests) {
      if (seen.has(entry.digest)) continue;
      seen.add(entry.digest);
      const child = planned.get(entry.digest);
      if (!child) throw new ConversionError(`${what} lists ${entry.digest}, which was not fetched`);
      addImage(
        entry.digest,
        parseManifest(child.bytes, child.mediaType, `${what}@${entry.digest}`),
        `${what}@${entry.digest}`,
      );
    }
  }
  // A Docker list cannot describe OCI manifests: once an image becomes OCI (zstd layers), its list
  // becomes an OCI index too, as skopeo writes it.
  const indexTo =
    conversion.format ??
    (indexFrom === 'docker' && images.some((i) => i.plan.to === 'oci') ? 'oci' : indexFrom);

  if (conversion.preserveDigests) {
    const changing = images.find((i) => i.plan.changes);
    const reason = conversion.preserveDigestsReason;
    if (changing)
      refuseDigestChange(changing.plan, top.kind === 'image' ? what : `${what}@${changing.digest}`, reason);
    if (indexFrom && indexTo !== indexFrom) {
      throw new BadUsageError(
        `${reason ?? '--preserve-digests'}: copying ${what} would need converting its ${formatName(indexFrom)} list to ${formatName(indexTo!)}, which changes its digest`,
      );
    }
  }

  return { plan, top, images, indexTo };
}

/** Make every blob of the converted image(s) present at the destination; return the manifests to push. */
export async function copyConverted(
  prepared: PreparedConversion,
  options: ConvertCopyOptions,
): Promise<ConvertedCopy> {
  const { conversion } = options;
  const { plan, top, images, indexTo } = prepared;
  // What moves: unchanged blobs by the ordinary path; re-encoded layers and new configs by this one.
  const keep = new Map<string, Descriptor>();
  const reencode = new Map<string, { desc: Descriptor; target: Compression }>();
  const newConfigs = new Map<string, Descriptor>();
  for (const image of images) {
    const m = image.parsed.manifest;
    if (image.plan.from === 'docker' && image.plan.to === 'oci') newConfigs.set(m.config.digest, m.config);
    else keep.set(m.config.digest, m.config);
    m.layers.forEach((layer, i) => {
      if (layer.urls?.length) return; // foreign layers stay where their urls point
      const target = image.plan.layers[i];
      if (target === undefined) keep.set(layer.digest, layer);
      else reencode.set(`${layer.digest}>${target}`, { desc: layer, target });
    });
  }

  const converted = new ConvertedBlobs();
  const spool = await createSpoolDir(conversion.tmpDir);
  const layerResults = new Map<string, ConvertedLayer>();
  const configResults = new Map<string, { digest: string; size: number }>();
  try {
    const uploadOptions: BlobCopyOptions = {
      ...options,
      source: converted,
      // The transfer would report progress under the new digest; the executor's events name the source blob.
      onEvent: (e) => {
        if (e.type === 'blob-retry') options.onEvent?.(e);
      },
      speculate: false,
    };
    const upload = async (desc: Descriptor, sourceDigest: string, sourceSize: number) => {
      const action = await copyBlob(desc, uploadOptions);
      options.counters.blobs[action] += 1;
      options.counters.bytes[action] += desc.size;
      options.onEvent?.({ type: 'blob-done', digest: sourceDigest, size: sourceSize, action });
    };

    const configWork = async () => {
      for (const desc of newConfigs.values()) {
        options.onEvent?.({ type: 'blob-start', digest: desc.digest, size: desc.size });
        const chunks: Buffer[] = [];
        for await (const chunk of options.source.openBlob(desc, options.signal)) chunks.push(chunk);
        const bytes = ociConfigFromDocker(Buffer.concat(chunks));
        const out: Descriptor = {
          mediaType: MediaType.OciConfig,
          digest: sha256Digest(bytes),
          size: bytes.byteLength,
        };
        converted.add(out.digest, { bytes });
        await upload(out, desc.digest, desc.size);
        configResults.set(desc.digest, { digest: out.digest, size: out.size });
      }
    };
    let n = 0;
    const layerWork = () =>
      forEachLimit([...reencode.entries()], options.parallel, async ([key, { desc, target }]) => {
        options.onEvent?.({ type: 'blob-start', digest: desc.digest, size: desc.size });
        const spooled = await withRetry(
          options.retry,
          () => {
            const reader = options.source.openBlob(desc, options.signal);
            let last = 0;
            reader.onProgress = (bytes) => {
              options.onBytes?.(bytes - last);
              last = bytes;
              options.onEvent?.({ type: 'blob-progress', digest: desc.digest, bytes, size: desc.size });
            };
            return transformLayer(
              reader,
              target,
              conversion.compressionLevel,
              `${spool.path}/${n++}`,
              options.signal,
            );
          },
          { signal: options.signal },
        );
        const out: Descriptor = { mediaType: desc.mediaType, digest: spooled.digest, size: spooled.size };
        converted.add(out.digest, { path: spooled.path });
        await upload(out, desc.digest, desc.size);
        converted.delete(out.digest);
        await rm(spooled.path, { force: true }); // disk holds only the layers in flight
        layerResults.set(key, { digest: out.digest, size: out.size, compression: target });
      });
    // All settle before the spool goes: a failure in one must not pull files from under the others.
    const settled = await Promise.allSettled([
      options.copyBlobs([...keep.values()]),
      configWork(),
      layerWork(),
    ]);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    await spool.dispose();
  }

  // The manifests, now that every digest is known.
  const children: PlannedManifest[] = [];
  const updates = new Map<string, IndexEntryUpdate>();
  let single: PlannedManifest | undefined;
  for (const image of images) {
    const m = image.parsed.manifest;
    const out = convertImageManifest(image.parsed, {
      format: image.plan.to,
      config: configResults.get(m.config.digest) ?? { digest: m.config.digest, size: m.config.size },
      layers: m.layers.map((layer, i) => {
        const target = image.plan.layers[i];
        return target === undefined ? undefined : layerResults.get(`${layer.digest}>${target}`);
      }),
    });
    const manifest: PlannedManifest = { digest: out.digest, mediaType: out.mediaType, bytes: out.bytes };
    if (top.kind === 'image') single = manifest;
    else {
      if (!children.some((c) => c.digest === manifest.digest)) children.push(manifest);
      updates.set(image.digest, { digest: out.digest, size: out.bytes.byteLength, mediaType: out.mediaType });
    }
  }
  if (single) return { top: single, manifests: [] };
  const index = convertIndex(plan.top, indexTo ?? 'oci', updates, hostPlatform());
  return {
    top: { digest: index.digest, mediaType: index.mediaType, bytes: index.bytes },
    manifests: children,
  };
}

/** containers/image fills a Docker list entry without a platform with the platform it runs on. */
function hostPlatform(): { os: string; architecture: string } {
  const arch: Record<string, string> = { x64: 'amd64', ia32: '386' };
  return { os: 'linux', architecture: arch[process.arch] ?? process.arch };
}
