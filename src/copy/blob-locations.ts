/**
 * Where blobs are known to exist on destination registries during a run, so a blob already pushed to one
 * repository is mounted into the next instead of transferred again (multi-image copies and sync).
 */
export class BlobLocations {
  readonly #byRegistry = new Map<string, Map<string, Set<string>>>();

  add(registry: string, repository: string, digest: string): void {
    let byDigest = this.#byRegistry.get(registry);
    if (!byDigest) {
      byDigest = new Map();
      this.#byRegistry.set(registry, byDigest);
    }
    let repos = byDigest.get(digest);
    if (!repos) {
      repos = new Set();
      byDigest.set(digest, repos);
    }
    repos.add(repository);
  }

  has(registry: string, repository: string, digest: string): boolean {
    return this.#byRegistry.get(registry)?.get(digest)?.has(repository) ?? false;
  }

  /** A repository on `registry` other than `except` known to hold `digest`. */
  find(registry: string, digest: string, except: string): string | undefined {
    for (const repo of this.#byRegistry.get(registry)?.get(digest) ?? []) if (repo !== except) return repo;
    return undefined;
  }
}
