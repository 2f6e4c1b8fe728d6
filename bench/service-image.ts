import { type BuiltImage, buildImage } from '../test/rig/fixtures.ts';
import type { RegistryInstance } from '../test/rig/registry.ts';
import { openSession, pushImage, putManifest } from '../test/rig/rig-client.ts';

const KiB = 1024;

/** The image every service trigger promotes, and the source registry it lives in. */
export interface ServiceImage {
  readonly source: RegistryInstance;
  readonly repository: string;
  readonly image: BuiltImage;
  /** Sum of the blob sizes (config and layers). */
  readonly bytes: number;
}

/**
 * A small application image (4 layers, about 3.6 MiB): what a promotion of an already-present image
 * costs does not depend on its size, since only HEADs of its blobs reach the destination.
 */
export async function pushServiceImage(source: RegistryInstance, repository: string): Promise<ServiceImage> {
  const image = await buildImage({
    layers: [2048 * KiB, 1024 * KiB, 512 * KiB, 64 * KiB],
    seed: 'ferry-bench-service',
  });
  await pushImage(source, repository, 'base-0', image);
  return { source, repository, image, bytes: image.blobs.reduce((sum, b) => sum + b.size, 0) };
}

/**
 * Points more tags at the same manifest (the same bytes PUT under each tag), `parallel` at a time:
 * every tag is then a new (source digest, destination tag) pair, i.e. a new promotion, of an image
 * whose blobs are already at the destination.
 */
export async function tagServiceImage(
  target: ServiceImage,
  tags: readonly string[],
  parallel = 8,
): Promise<void> {
  const session = openSession(target.source);
  try {
    let next = 0;
    const worker = async () => {
      while (next < tags.length) {
        const tag = tags[next++]!;
        await putManifest(
          session,
          target.repository,
          tag,
          target.image.mediaType,
          target.image.manifestBytes,
        );
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    await session.close();
  }
}

/** `prefix-0` … `prefix-(count-1)`, matching the rule's tag pattern. */
export function numberedTags(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}
