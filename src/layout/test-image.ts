/** Test fixture: a tiny OCI image (config + one layer + manifest) written into a layout. */
import { randomBytes } from 'node:crypto';
import { sha256Digest } from '../oci/digest.ts';
import type { Descriptor } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import type { OciLayoutDir } from './oci-layout-dir.ts';

export interface TestImage {
  readonly manifest: Descriptor;
  readonly manifestBytes: Buffer;
  readonly blobs: ReadonlyArray<{ desc: Descriptor; bytes: Buffer }>;
}

export function makeTestImage(layerBytes: Buffer = randomBytes(3000)): TestImage {
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
  );
  const configDesc = { mediaType: MediaType.OciConfig, digest: sha256Digest(config), size: config.length };
  const layerDesc = {
    mediaType: 'application/vnd.oci.image.layer.v1.tar',
    digest: sha256Digest(layerBytes),
    size: layerBytes.length,
  };
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: configDesc,
      layers: [layerDesc],
    }),
  );
  return {
    manifest: {
      mediaType: MediaType.OciManifest,
      digest: sha256Digest(manifestBytes),
      size: manifestBytes.length,
    },
    manifestBytes,
    blobs: [
      { desc: configDesc, bytes: config },
      { desc: layerDesc, bytes: layerBytes },
    ],
  };
}

export async function writeTestImage(
  layout: OciLayoutDir,
  image: TestImage,
  refName?: string,
): Promise<void> {
  for (const blob of image.blobs) await layout.writeBlobBytes(blob.desc, blob.bytes);
  await layout.writeBlobBytes(image.manifest, image.manifestBytes);
  await layout.tag(refName, image.manifest);
}

export async function collect(source: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(c);
  return Buffer.concat(chunks);
}
