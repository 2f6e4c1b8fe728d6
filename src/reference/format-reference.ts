/**
 * String forms of an ImageReference. The canonical form is what ferry logs and records (unambiguous,
 * always with registry); the short ("familiar") form is what `docker` prints, for human-facing output.
 */
import type { ImageReference } from './image-reference.ts';
import { DOCKER_HUB_REGISTRY, OFFICIAL_REPO_PREFIX } from './registry-host.ts';

export interface FormatReferenceOptions {
  /**
   * Familiar form (normalize.go `FamiliarString`): drop `docker.io/`, and `library/` when what remains is
   * a single component (`docker.io/library/ubuntu` → `ubuntu`, but `docker.io/library/a/b` keeps it).
   */
  readonly short?: boolean | undefined;
}

/** `registry/repository[:tag][@digest]`, or the familiar form with `{ short: true }`. */
export function formatReference(ref: ImageReference, options: FormatReferenceOptions = {}): string {
  const name = options.short === true ? familiarName(ref) : referenceName(ref);
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${name}${tag}${digest}`;
}

/** Canonical `registry/repository`, without tag or digest. */
export function referenceName(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** Name as docker shows it: `ubuntu`, `bitnami/redis`, `quay.io/foo/bar`. */
export function familiarName(ref: ImageReference): string {
  if (ref.registry !== DOCKER_HUB_REGISTRY) return referenceName(ref);
  if (ref.repository.startsWith(OFFICIAL_REPO_PREFIX)) {
    const rest = ref.repository.slice(OFFICIAL_REPO_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return ref.repository;
}
