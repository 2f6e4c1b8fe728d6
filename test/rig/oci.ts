import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

// Shared by fixtures.ts and rig-client.ts (kept apart so neither imports the other at runtime).

export const MEDIA_TYPES = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  cosignSimpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
} as const;

/** Content lives either in memory (small) or in a file (large; always streamed). */
export interface FixtureBlob {
  digest: string;
  size: number;
  mediaType: string;
  bytes?: Buffer;
  path?: string;
}

/** A readable stream of a blob's content, whichever way it is stored. */
export function blobStream(blob: FixtureBlob): Readable {
  if (blob.bytes) return Readable.from([blob.bytes]);
  if (blob.path) return createReadStream(blob.path, { highWaterMark: 1024 * 1024 });
  throw new Error(`blob ${blob.digest} has neither bytes nor path`);
}

export function sha256Digest(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
