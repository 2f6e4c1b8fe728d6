import { join } from 'node:path';
import {
  type BuiltImage,
  type BuiltIndex,
  buildImage,
  buildIndex,
  type Fixture,
} from '../test/rig/fixtures.ts';
import { pushImage } from '../test/rig/rig-client.ts';
import type { BenchRegistry } from './environment.ts';
import type { Profile } from './profile.ts';

/** An image in the source registry, ready to be copied. */
export interface SourceImage {
  readonly repo: string;
  readonly tag: string;
  readonly digest: string;
  /** Manifests an index copy must also bring along (empty for a single image). */
  readonly childDigests: readonly string[];
  /** A layer digest, for the "fresh repository" HEAD check. */
  readonly sampleLayerDigest: string;
  readonly totalBytes: number;
  readonly fixture: Fixture;
}

const TAG = 'v1';

/** The sync-40 source set: repositories with one tag each. */
export interface SyncSet {
  readonly tag: string;
  readonly images: readonly { readonly repo: string; readonly digest: string }[];
}

/**
 * Builds each fixture at most once per run (and only if a selected scenario needs it) and pushes
 * it to the source registry directly: setup never goes through the latency proxy.
 */
export class FixtureLibrary {
  readonly #profile: Profile;
  readonly #source: BenchRegistry;
  readonly #dir: string;
  readonly #cache = new Map<string, Promise<unknown>>();

  constructor(profile: Profile, source: BenchRegistry, dir: string) {
    this.#profile = profile;
    this.#source = source;
    this.#dir = dir;
  }

  /** A tiny image that only warms the page cache for both tools' binaries. */
  warmup(): Promise<SourceImage> {
    return this.#once('warmup', async () =>
      this.#push('bench/warmup', await buildImage({ layers: [64 * 1024], seed: 'ferry-bench-warmup' })),
    );
  }

  /** 8 layers of random content: fresh-*, incremental (the full image) and noop. */
  main(): Promise<SourceImage> {
    return this.#once('main', async () => this.#push('bench/app', await this.#mainImage()));
  }

  /**
   * The same seed with one layer fewer: layers 0..n-2 are byte-identical to the main image's (the
   * rig derives each layer from seed, platform and index), so pushing it pre-loads all but one.
   * Not pushed to the source.
   */
  sibling(): Promise<BuiltImage> {
    return this.#once('sibling', () =>
      buildImage({
        layers: Array(this.#profile.mainLayerCount - 1).fill(this.#profile.mainLayerBytes),
        seed: 'ferry-bench-main',
        // Own directory: rewriting the main image's layer files in place could race a push.
        dir: join(this.#dir, 'sibling'),
      }),
    );
  }

  multiArch(): Promise<SourceImage> {
    return this.#once('multi-arch', async () => {
      const images: BuiltImage[] = [];
      for (const platform of this.#profile.multiArchPlatforms) {
        images.push(
          await buildImage({
            layers: Array(this.#profile.multiArchLayersPerPlatform).fill(this.#profile.multiArchLayerBytes),
            seed: 'ferry-bench-multi',
            platform,
            dir: join(this.#dir, 'multi'),
          }),
        );
      }
      return this.#push('bench/multi', buildIndex(images));
    });
  }

  /** One big layer streamed to a file (gzip level 0: random data does not compress anyway). */
  big(): Promise<SourceImage> {
    return this.#once('big', async () =>
      this.#push(
        'bench/big',
        await buildImage({
          layers: [this.#profile.bigLayerBytes],
          seed: 'ferry-bench-big',
          gzipLevel: 0,
          dir: join(this.#dir, 'big'),
        }),
      ),
    );
  }

  /**
   * sync-40: `syncImages` single-layer-name repositories (`sync-app-NN:v1`, one path component so
   * skopeo's default naming, which keeps only the last component, and ferry's agree), every image on
   * the same base layers plus a layer of its own. Pushed one at a time: distribution's filesystem
   * driver can fail concurrent uploads of one blob.
   */
  syncSet(): Promise<SyncSet> {
    return this.#once('sync-set', async () => {
      const p = this.#profile;
      const started = performance.now();
      const base = Array.from({ length: p.syncBaseLayers }, (_, i) => ({
        size: p.syncBaseLayerBytes,
        seed: `ferry-bench-sync-base-${i}`,
      }));
      const images: { repo: string; digest: string }[] = [];
      for (let i = 0; i < p.syncImages; i++) {
        const repo = `sync-app-${String(i).padStart(2, '0')}`;
        const image = await buildImage({
          layers: [...base, p.syncUniqueLayerBytes],
          seed: `ferry-bench-sync-${i}`,
        });
        images.push({ repo, digest: await pushImage(this.#source.direct, repo, TAG, image) });
      }
      process.stderr.write(
        `bench: pushed ${images.length} sync images to the source in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
      return { tag: TAG, images };
    });
  }

  #mainImage(): Promise<BuiltImage> {
    return this.#once('main-image', () =>
      buildImage({
        layers: Array(this.#profile.mainLayerCount).fill(this.#profile.mainLayerBytes),
        seed: 'ferry-bench-main',
        dir: join(this.#dir, 'main'),
      }),
    );
  }

  async #push(repo: string, fixture: BuiltImage | BuiltIndex): Promise<SourceImage> {
    const started = performance.now();
    const digest = await pushImage(this.#source.direct, repo, TAG, fixture);
    const images = fixture.kind === 'index' ? fixture.images : [fixture];
    const totalBytes = images.reduce((sum, img) => sum + img.blobs.reduce((s, b) => s + b.size, 0), 0);
    process.stderr.write(
      `bench: pushed ${repo}:${TAG} (${(totalBytes / 1024 / 1024).toFixed(1)} MiB) to the source in ` +
        `${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return {
      repo,
      tag: TAG,
      digest,
      childDigests: fixture.kind === 'index' ? fixture.images.map((img) => img.manifestDigest) : [],
      sampleLayerDigest: images[0]!.layers[0]!.digest,
      totalBytes,
      fixture,
    };
  }

  #once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let pending = this.#cache.get(key) as Promise<T> | undefined;
    if (pending === undefined) {
      pending = make();
      this.#cache.set(key, pending);
    }
    return pending;
  }
}
