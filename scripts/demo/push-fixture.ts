/**
 * The image CI would have built: a multi-arch OCI index (linux/amd64, linux/arm64) and a cosign-style
 * signature beside it (`sha256-<hex>.sig`), pushed to nonprod under the commit's tag.
 */
import { buildCosignSignature, buildImage, buildIndex, pushImage } from '../../test/rig/fixtures.ts';
import type { RegistryInstance } from '../../test/rig/registry.ts';

export interface PushedImage {
  readonly digest: string;
  readonly signatureTag: string;
}

const PLATFORMS = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
];

export async function pushDemoImage(
  registry: RegistryInstance,
  repository: string,
  tag: string,
): Promise<PushedImage> {
  const images = await Promise.all(
    PLATFORMS.map((platform, i) =>
      buildImage({ layers: [4 << 20, 1 << 20], seed: `demo-${i}`, platform, format: 'oci' }),
    ),
  );
  const index = buildIndex(images, { oci: true });
  await pushImage(registry, repository, tag, index);
  const signature = buildCosignSignature(index.manifestDigest, `${registry.host}/${repository}`);
  await pushImage(registry, repository, signature.tag!, signature);
  return { digest: index.manifestDigest, signatureTag: signature.tag! };
}
