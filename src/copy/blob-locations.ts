/**
 * Where blobs are known to exist on destination registries during a run, so a blob already pushed to one
 * repository is mounted into the next instead of transferred again (multi-image copies and sync).
 */
export class BlobLocations {
  readonly #byRegistry = new Map<string, Map<string, Set<string>>>();
  /** `registry digest` → settles when the transfer ends (either way). */
  readonly #inFlight = new Map<string, Promise<void>>();

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

  /**
   * Record that `digest` is being transferred to `registry`; call the returned function when the
   * transfer ends. Images copied at the same time (sync) then wait for it and mount, instead of
   * sending the same bytes twice.
   */
  beginTransfer(registry: string, digest: string): () => void {
    return this.#begin(`${registry} ${digest}`);
  }

  /** The transfer of `digest` to `registry` in progress, if any; settles (never rejects) when it ends. */
  inFlight(registry: string, digest: string): Promise<void> | undefined {
    return this.#inFlight.get(`${registry} ${digest}`);
  }

  /**
   * Record that `digest` is being placed into `repository` (mounted or uploaded); call the returned
   * function when done. distribution's filesystem driver writes a repository's blob link in place, so
   * two placements of one blob into one repository at once can leave a broken link ("blob unknown"
   * on the manifest PUT, seen under load): images of one repository sharing layers must take turns.
   */
  beginPlacing(registry: string, repository: string, digest: string): () => void {
    return this.#begin(`${registry} ${repository} ${digest}`);
  }

  /** The placement of `digest` into `repository` in progress, if any; settles when it ends. */
  placing(registry: string, repository: string, digest: string): Promise<void> | undefined {
    return this.#inFlight.get(`${registry} ${repository} ${digest}`);
  }

  #begin(key: string): () => void {
    let end!: () => void;
    const done = new Promise<void>((resolve) => {
      end = resolve;
    });
    this.#inFlight.set(key, done);
    return () => {
      if (this.#inFlight.get(key) === done) this.#inFlight.delete(key);
      end();
    };
  }
}
