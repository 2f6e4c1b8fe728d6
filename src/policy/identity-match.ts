/**
 * signedIdentity: does the docker reference a signature names fit the image being copied?
 * containers/image v5.23 signature/policy_reference_match.go, function by function. References are
 * compared in their normalised, canonical form (`docker.io/library/busybox:latest`), so `busybox` in a
 * signature equals `docker.io/library/busybox` in the image.
 */
import { formatReference, referenceName } from '../reference/format-reference.ts';
import type { ImageReference } from '../reference/image-reference.ts';
import { tryParseReference } from '../reference/parse-reference.ts';
import type { IdentityMatch } from './policy-types.ts';

/**
 * `intended` is the image's own docker reference (undefined for transports without one, which then
 * match nothing but exactReference / exactRepository, as in containers/image).
 */
export function matchesDockerReference(
  match: IdentityMatch,
  intended: ImageReference | undefined,
  signatureReference: string,
): boolean {
  const signature = parse(signatureReference);
  if (signature === undefined) return false;
  switch (match.type) {
    case 'matchExact':
      if (intended === undefined || isNameOnly(intended) || isNameOnly(signature)) return false;
      return formatReference(signature) === formatReference(intended);
    case 'matchRepoDigestOrExact':
      return intended !== undefined && repoDigestOrExact(intended, signature);
    case 'matchRepository':
      return intended !== undefined && referenceName(signature) === referenceName(intended);
    case 'exactReference': {
      const wanted = parse(match.dockerReference);
      if (wanted === undefined || isNameOnly(wanted) || isNameOnly(signature)) return false;
      return formatReference(signature) === formatReference(wanted);
    }
    case 'exactRepository': {
      const wanted = parse(match.dockerRepository);
      return wanted !== undefined && referenceName(signature) === referenceName(wanted);
    }
    case 'remapIdentity': {
      if (intended === undefined) return false;
      const remapped = remap(intended, match.prefix, match.signedPrefix);
      return remapped !== undefined && repoDigestOrExact(remapped, signature);
    }
  }
}

/**
 * matchRepoDigestOrExactReferenceValues: a tagged image needs exactly its reference signed; an image
 * named by digest accepts any signature of its repository (the digest itself is checked separately,
 * against the manifest).
 */
function repoDigestOrExact(intended: ImageReference, signature: ImageReference): boolean {
  if (isNameOnly(signature)) return false;
  if (intended.tag !== undefined) return formatReference(signature) === formatReference(intended);
  if (intended.digest !== undefined) return referenceName(signature) === referenceName(intended);
  return false;
}

/**
 * prmRemapIdentity.remapReferencePrefix: when the image's name is `prefix` or lies under `prefix/`,
 * replace that prefix with `signedPrefix` (in the whole reference string, first occurrence) and parse
 * the result, which must be canonical. Undefined when the rewritten reference is not valid.
 */
function remap(ref: ImageReference, prefix: string, signedPrefix: string): ImageReference | undefined {
  const name = referenceName(ref);
  const matches = name === prefix || (name.startsWith(prefix) && name[prefix.length] === '/');
  if (!matches) return ref;
  const rewritten = formatReference(ref).replace(prefix, signedPrefix);
  const parsed = parse(rewritten);
  return parsed !== undefined && formatReference(parsed) === rewritten ? parsed : undefined;
}

function parse(value: string): ImageReference | undefined {
  const result = tryParseReference(value);
  return result.ok ? result.ref : undefined;
}

function isNameOnly(ref: ImageReference): boolean {
  return ref.tag === undefined && ref.digest === undefined;
}
