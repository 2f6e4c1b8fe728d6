/**
 * Pinning at acceptance: the source tag is resolved to the digest it names *now*, and that digest is
 * what gets promoted, whatever is pushed to the tag afterwards (the seed system copied by mutable tag).
 * A HEAD costs no pull on rate-limited registries; the library falls back to a GET when a registry omits
 * Docker-Content-Digest.
 */
import { FerryError } from '../../errors/ferry-error.ts';
import type { Repository } from '../../registry/repository.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';

/**
 * The digest to promote: `digest` when the request pinned one (checked to exist), else what `tag`
 * points at. Throws PromotionError SourceNotFound (422) or SourceUnreachable (502, temporary when the
 * underlying failure is).
 */
export async function resolveSourceDigest(
  repository: Repository,
  tag: string,
  digest: string | undefined,
  signal?: AbortSignal,
): Promise<string> {
  const reference = digest ?? tag;
  const where = `${repository.registry}/${repository.name}${digest === undefined ? `:${tag}` : `@${digest}`}`;
  let head: Awaited<ReturnType<Repository['headManifest']>>;
  try {
    head = await repository.headManifest(reference, signal);
  } catch (err) {
    throw new PromotionError(
      PromotionErrorCode.SourceUnreachable,
      `cannot read ${where}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err, temporary: err instanceof FerryError ? err.temporary : false },
    );
  }
  if (head === undefined)
    throw new PromotionError(PromotionErrorCode.SourceNotFound, `${where} does not exist`);
  return digest ?? head.digest;
}
