/**
 * Layer media types grouped by content kind, one variant per compression, as containers/image keeps
 * them (`manifest/docker_schema2.go` schema2CompressionMIMETypeSets, `manifest/oci.go`
 * oci1CompressionMIMETypeSets): converting a layer, or a manifest between Docker schema 2 and OCI,
 * moves a media type within its set. Docker schema 2 has no zstd variant.
 */
import { MediaType } from './media-types.ts';

export type Compression = 'none' | 'gzip' | 'zstd';
export type ManifestFormat = 'docker' | 'oci';

export const LayerMediaType = {
  DockerTar: 'application/vnd.docker.image.rootfs.diff.tar',
  DockerTarGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  DockerForeignTar: 'application/vnd.docker.image.rootfs.foreign.diff.tar',
  DockerForeignTarGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  OciTar: 'application/vnd.oci.image.layer.v1.tar',
  OciTarGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  OciTarZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  OciNondistributableTar: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  OciNondistributableTarGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  OciNondistributableTarZstd: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
} as const;

interface VariantSet {
  readonly distributable: boolean;
  readonly docker: Readonly<Partial<Record<Compression, string>>>;
  readonly oci: Readonly<Record<Compression, string>>;
}

const SETS: readonly VariantSet[] = [
  {
    distributable: true,
    docker: { none: LayerMediaType.DockerTar, gzip: LayerMediaType.DockerTarGzip },
    oci: { none: LayerMediaType.OciTar, gzip: LayerMediaType.OciTarGzip, zstd: LayerMediaType.OciTarZstd },
  },
  {
    distributable: false,
    docker: { none: LayerMediaType.DockerForeignTar, gzip: LayerMediaType.DockerForeignTarGzip },
    oci: {
      none: LayerMediaType.OciNondistributableTar,
      gzip: LayerMediaType.OciNondistributableTarGzip,
      zstd: LayerMediaType.OciNondistributableTarZstd,
    },
  },
];

/** What a layer media type says about its content, or undefined for types no conversion may touch (artifacts, encrypted layers). */
export function layerKind(
  mediaType: string,
):
  | { readonly set: VariantSet; readonly format: ManifestFormat; readonly compression: Compression }
  | undefined {
  for (const set of SETS) {
    for (const format of ['docker', 'oci'] as const) {
      for (const [compression, type] of Object.entries(set[format])) {
        if (type === mediaType) return { set, format, compression: compression as Compression };
      }
    }
  }
  return undefined;
}

/** The media type of the same kind of layer in `format` with `compression`, or undefined when the format has none (zstd in Docker schema 2). */
export function layerMediaTypeFor(
  mediaType: string,
  format: ManifestFormat,
  compression: Compression,
): string | undefined {
  return layerKind(mediaType)?.set[format][compression];
}

export function manifestFormatOf(mediaType: string): ManifestFormat | undefined {
  if (mediaType === MediaType.DockerManifest || mediaType === MediaType.DockerManifestList) return 'docker';
  if (mediaType === MediaType.OciManifest || mediaType === MediaType.OciIndex) return 'oci';
  return undefined;
}

/**
 * Compression of a blob from its first bytes (containers/image `pkg/compression` DetectCompressionFormat
 * looks at content, not at the media type). bzip2 and xz are recognised so that they are refused
 * clearly rather than treated as uncompressed.
 */
export function detectCompression(head: Uint8Array): Compression | 'bzip2' | 'xz' {
  const starts = (...magic: number[]) => magic.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b, 0x08)) return 'gzip';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (starts(0x42, 0x5a, 0x68)) return 'bzip2';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  return 'none';
}
