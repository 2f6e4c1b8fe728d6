/**
 * Points a tag at a manifest already in the same repository: the release tag after a promotion, and the
 * whole of a rollback. No blob moves: the manifest is fetched by digest and PUT under the tag with its
 * exact bytes (so the digest cannot change), then the tag is read back. Distribution spec, "Pushing
 * Manifests": a PUT by tag of a manifest whose blobs exist in the repository is all a tag move is.
 */
import type { Repository } from '../../registry/repository.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';

export interface PointTagResult {
  /** What the tag pointed at before (undefined: it did not exist). */
  readonly before: string | undefined;
  readonly mediaType: string;
  /** False when the tag already pointed at the digest (nothing was written). */
  readonly moved: boolean;
}

/** Refuses with DigestGone (409) when the repository no longer has the manifest. */
export async function pointTag(
  repository: Repository,
  digest: string,
  tag: string,
  signal?: AbortSignal,
): Promise<PointTagResult> {
  const where = `${repository.registry}/${repository.name}`;
  const [before, fetched] = await Promise.all([
    repository.headManifest(tag, signal),
    repository.getManifest(digest, signal),
  ]);
  if (fetched === undefined) {
    throw new PromotionError(
      PromotionErrorCode.DigestGone,
      `${where}@${digest} no longer exists in the destination: it cannot be pointed at by ${tag}`,
    );
  }
  const { mediaType, bytes } = fetched.parsed;
  if (before?.digest === digest) return { before: before.digest, mediaType, moved: false };
  await repository.putManifest(tag, bytes, mediaType, signal);
  const after = await repository.headManifest(tag, signal);
  if (after?.digest !== digest) {
    throw new PromotionError(
      PromotionErrorCode.VerifyFailed,
      `after pointing ${where}:${tag} at ${digest} it points at ${after?.digest ?? 'nothing'}`,
    );
  }
  return { before: before?.digest, mediaType, moved: true };
}
