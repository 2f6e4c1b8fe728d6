/**
 * What a format conversion or (re)compression does to one image, decided from media types before any
 * byte moves (pure). The rules are containers/image's (`copy/compression.go` blobPipelineCompressionStep,
 * `copy/manifest.go` determineManifestConversion): with `layers: 'compress'` (what skopeo's registry and
 * `oci:` destinations ask for) uncompressed layers are compressed and, when a compression format is
 * given, layers compressed otherwise are recompressed; `'decompress'` (skopeo's `dir:` with
 * `--dest-decompress`) decompresses; `'preserve'` leaves layers alone. Docker schema 2 has no zstd: a
 * Docker image whose layers end up zstd is written as OCI unless `--format v2s2` was forced, which then
 * fails, as in skopeo.
 */
import { BadUsageError } from '../errors/kinds.ts';
import { ConversionError } from '../oci/conversion-error.ts';
import {
  type Compression,
  layerKind,
  type ManifestFormat,
  manifestFormatOf,
} from '../oci/layer-compression.ts';
import type { ImageManifest } from '../oci/manifest.ts';

export interface ConversionOptions {
  /** Manifest format to write (skopeo `--format`: v2s2 = 'docker', oci = 'oci'); undefined: the source's. */
  readonly format?: ManifestFormat | undefined;
  readonly layers: 'preserve' | 'compress' | 'decompress';
  /** `--dest-compress-format`: compression for layers being compressed (default gzip). */
  readonly compressionFormat?: 'gzip' | 'zstd' | undefined;
  /** `--dest-compress-level`. */
  readonly compressionLevel?: number | undefined;
  /** `--preserve-digests`: refuse any conversion that changes a digest. */
  readonly preserveDigests?: boolean | undefined;
  /** Why digests must be preserved, for the refusal (default `--preserve-digests`). */
  readonly preserveDigestsReason?: string | undefined;
  /** Where converted layers are spooled before upload (default: the system temp dir). */
  readonly tmpDir?: string | undefined;
}

export interface ImageConversionPlan {
  readonly from: ManifestFormat;
  readonly to: ManifestFormat;
  /** Aligned with the manifest's layers: the compression a layer is converted to, or undefined to copy it as is. */
  readonly layers: readonly (Compression | undefined)[];
  /** True when the manifest (hence its digest) changes. */
  readonly changes: boolean;
}

/** The compression a layer of this media type is converted to, or undefined when it is copied unchanged. */
export function layerTarget(mediaType: string, options: ConversionOptions): Compression | undefined {
  const kind = layerKind(mediaType);
  // Artifact and encrypted layers: containers/image CanChangeLayerCompression is false for them.
  if (!kind) return undefined;
  const declared = kind.compression;
  if (options.layers === 'compress') {
    if (declared === 'none') return options.compressionFormat ?? 'gzip';
    if (options.compressionFormat && options.compressionFormat !== declared) return options.compressionFormat;
    return undefined;
  }
  if (options.layers === 'decompress' && declared !== 'none') return 'none';
  return undefined;
}

export function planImageConversion(
  mediaType: string,
  manifest: ImageManifest,
  options: ConversionOptions,
  what: string,
): ImageConversionPlan {
  const from = manifestFormatOf(mediaType);
  if (!from) throw new ConversionError(`${what} has media type ${mediaType}, which ferry cannot convert`);
  // Foreign layers (with urls) are not copied, so never rewritten.
  const layers = manifest.layers.map((l) => (l.urls?.length ? undefined : layerTarget(l.mediaType, options)));
  const result = manifest.layers.map((l, i) => layers[i] ?? layerKind(l.mediaType)?.compression);
  const zstd = result.includes('zstd');
  let to = options.format ?? from;
  if (zstd && to === 'docker') {
    if (options.format === 'docker') {
      if (options.compressionFormat === 'zstd')
        throw new BadUsageError(
          '--dest-compress-format zstd cannot be combined with --format v2s2: Docker schema 2 has no zstd layers',
        );
      throw new ConversionError(
        `${what} has zstd-compressed layers, which Docker schema 2 cannot describe (use --format oci, or --dest-compress-format gzip)`,
      );
    }
    // skopeo: the schema 2 attempt fails with ManifestLayerCompressionIncompatibilityError, OCI is tried next.
    to = 'oci';
  }
  const changes = to !== from || layers.some((l) => l !== undefined);
  return { from, to, layers, changes };
}

/** --preserve-digests: refuse, naming what would change, before anything is copied. */
export function refuseDigestChange(
  plan: ImageConversionPlan,
  what: string,
  reason = '--preserve-digests',
): void {
  const reasons: string[] = [];
  if (plan.to !== plan.from) reasons.push(`converting ${formatName(plan.from)} to ${formatName(plan.to)}`);
  const n = plan.layers.filter((l) => l !== undefined).length;
  if (n > 0) reasons.push(`re-encoding ${n} layer${n === 1 ? '' : 's'}`);
  throw new BadUsageError(
    `${reason}: copying ${what} would need ${reasons.join(' and ')}, which changes its digest`,
  );
}

export function formatName(format: ManifestFormat): string {
  return format === 'docker' ? 'Docker schema 2 (v2s2)' : 'OCI';
}
