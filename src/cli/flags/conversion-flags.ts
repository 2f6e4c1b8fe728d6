/**
 * skopeo's conversion flags: `-f/--format`, `--dest-compress`, `--dest-decompress`,
 * `--dest-compress-format`, `--dest-compress-level`, `--dest-oci-accept-uncompressed-layers`
 * (cmd/skopeo/utils.go imageDestFlags, parseManifestFormat), parsed into the copy engine's
 * ConversionOptions. What a destination does with layers follows containers/image's
 * DesiredLayerCompression per transport: registries and `oci:` compress, `dir:` does what
 * --dest-compress/--dest-decompress say, `docker-archive:` decompresses.
 */
import type { Command } from 'commander';
import type { ConversionOptions } from '../../copy/conversion-plan.ts';
import { BadUsageError } from '../../errors/kinds.ts';
import { parseBool } from './bool-flags.ts';

/** Flags read by readConversionOptions; sync has only --format (skopeo sync has no --dest-compress*). */
export function addConversionOptions(cmd: Command, { compression }: { compression: boolean }): void {
  cmd.option(
    '-f, --format <type>',
    'manifest type to write: oci or v2s2 (converts the image, and every image of an index; changes digests)',
  );
  if (!compression) return;
  cmd
    .option(
      '--dest-compress <bool>',
      'compress uncompressed layers (gzip unless --dest-compress-format)',
      parseBool,
    )
    .option('--dest-decompress <bool>', 'decompress layers (dir: destinations only, as in skopeo)', parseBool)
    .option(
      '--dest-compress-format <format>',
      'gzip or zstd: compress, and recompress layers compressed otherwise',
    )
    .option('--dest-compress-level <level>', 'compression level (gzip 0-9, zstd 1-22)')
    .option(
      '--dest-oci-accept-uncompressed-layers <bool>',
      'oci: destinations: leave uncompressed layers uncompressed when converting',
      parseBool,
    );
}

export interface ReadConversion {
  /** Undefined: no conversion asked for; the copy is byte-for-byte. */
  readonly conversion: ConversionOptions | undefined;
  readonly warnings: readonly string[];
}

export function readConversionOptions(opts: Record<string, unknown>, destTransport: string): ReadConversion {
  const warnings: string[] = [];
  const format = parseFormat(opts.format as string | undefined);
  const compressionFormat = parseCompressionFormat(opts.destCompressFormat as string | undefined);
  const compressionLevel = parseLevel(
    opts.destCompressLevel as string | undefined,
    compressionFormat ?? 'gzip',
  );
  const compress = opts.destCompress === true;
  const decompress = opts.destDecompress === true;
  // containers/image directory destination: "Cannot compress and decompress at the same time".
  if (compress && decompress)
    throw new BadUsageError('--dest-compress and --dest-decompress cannot be combined');

  let layers: ConversionOptions['layers'];
  if (destTransport === 'dir') layers = compress ? 'compress' : decompress ? 'decompress' : 'preserve';
  else if (destTransport === 'docker-archive') layers = 'decompress';
  else if (
    (destTransport === 'oci' || destTransport === 'oci-archive') &&
    opts.destOciAcceptUncompressedLayers === true
  )
    layers = 'preserve';
  else layers = 'compress';
  if (decompress && layers !== 'decompress') {
    warnings.push(
      `--dest-decompress has no effect on ${destTransport}: destinations (skopeo applies it to dir: only); layers are copied as they are`,
    );
  }
  const asked =
    format !== undefined || compressionFormat !== undefined || compressionLevel !== undefined || compress;
  if (!asked && !(decompress && layers === 'decompress')) return { conversion: undefined, warnings };
  return {
    conversion: {
      format,
      layers,
      compressionFormat,
      compressionLevel,
      preserveDigests: opts.preserveDigests === true,
    },
    warnings,
  };
}

/** cmd/skopeo/utils.go parseManifestFormat, with schema1 refused: ferry never writes it. */
export function parseFormat(value: string | undefined): 'oci' | 'docker' | undefined {
  if (value === undefined) return undefined;
  if (value === 'oci') return 'oci';
  if (value === 'v2s2') return 'docker';
  if (value === 'v2s1') {
    throw new BadUsageError(
      '--format v2s1 is not supported: Docker schema 1 is deprecated and its manifests are signed per registry (ferry never writes them); use --format v2s2 or --format oci',
    );
  }
  throw new BadUsageError(
    `unknown format ${JSON.stringify(value)}. Choose one of the supported formats: 'oci', 'v2s1', or 'v2s2'`,
  );
}

function parseCompressionFormat(value: string | undefined): 'gzip' | 'zstd' | undefined {
  if (value === undefined) return undefined;
  if (value === 'gzip' || value === 'zstd') return value;
  if (['zstd:chunked', 'bzip2', 'xz'].includes(value)) {
    throw new BadUsageError(
      `--dest-compress-format ${value} is not supported by ferry (supported: gzip, zstd)`,
    );
  }
  // containers/image pkg/compression AlgorithmByName's message.
  throw new BadUsageError(`cannot find compressor for ${JSON.stringify(value)} (supported: gzip, zstd)`);
}

function parseLevel(value: string | undefined, format: 'gzip' | 'zstd'): number | undefined {
  if (value === undefined) return undefined;
  const [min, max] = format === 'gzip' ? [0, 9] : [1, 22];
  if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new BadUsageError(
      `--dest-compress-level ${JSON.stringify(value)} is not a ${format} level (${min} to ${max})`,
    );
  }
  return Number(value);
}
