import type { Platform } from '../test/rig/fixtures.ts';

const MiB = 1024 * 1024;

/** Sizes and repetition counts; `quick` is a smoke run, `full` the one whose numbers are judged. */
export interface Profile {
  readonly name: 'full' | 'quick';
  /** Measured runs per tool for every scenario but big-layer. */
  readonly iterations: number;
  readonly bigLayerIterations: number;
  /** The 8-layer image behind fresh-*, incremental and noop. */
  readonly mainLayerCount: number;
  readonly mainLayerBytes: number;
  readonly multiArchPlatforms: readonly Platform[];
  readonly multiArchLayersPerPlatform: number;
  readonly multiArchLayerBytes: number;
  readonly bigLayerBytes: number;
  /** sync-40: images, shared base layers (count × bytes) and each image's own layer. */
  readonly syncImages: number;
  readonly syncBaseLayers: number;
  readonly syncBaseLayerBytes: number;
  readonly syncUniqueLayerBytes: number;
  /** Per sync invocation (skopeo copies the 40 images one after the other). */
  readonly syncTimeoutMs: number;
  /** Per tool invocation; a hung copy must not stall the whole run. */
  readonly copyTimeoutMs: number;
  readonly bigLayerTimeoutMs: number;
  /** service-latency: measured webhook → succeeded round trips, one at a time. */
  readonly serviceLatencyIterations: number;
  /** service-throughput: signed webhooks fired in the measured burst. */
  readonly serviceThroughputTriggers: number;
  /** service-throughput: requests in flight at once. */
  readonly serviceThroughputConcurrency: number;
  /** How long service-throughput waits for the burst's promotions to finish (reported, not judged). */
  readonly serviceDrainTimeoutMs: number;
  /** service-scale-out: promotions (each a distinct small image) triggered at once, per replica count. */
  readonly scaleOutPromotions: number;
  /** service-scale-out: how long one run may take to finish every promotion. */
  readonly scaleOutTimeoutMs: number;
  /** service-cost-growth: promotions and audit events seeded into each store. */
  readonly costPromotions: number;
  readonly costAuditEvents: number;
  /** service-cost-growth: measured requests per endpoint (after a warm-up of a tenth as many). */
  readonly costRequests: number;
}

const PLATFORMS: readonly Platform[] = [
  { os: 'linux', architecture: 'amd64' },
  { os: 'linux', architecture: 'arm64', variant: 'v8' },
  { os: 'linux', architecture: 's390x' },
];

export const FULL: Profile = {
  name: 'full',
  iterations: 5,
  // The destination registry sets this scenario's pace, and its CPU per GiB varies by ±30% from run to
  // run on these VMs (3.3-5.3 s): with 3 runs a single slow run moved the median by a second.
  bigLayerIterations: 5,
  mainLayerCount: 8,
  mainLayerBytes: 32 * MiB,
  multiArchPlatforms: PLATFORMS,
  multiArchLayersPerPlatform: 4,
  multiArchLayerBytes: 8 * MiB,
  bigLayerBytes: 1024 * MiB,
  syncImages: 40,
  syncBaseLayers: 3,
  syncBaseLayerBytes: 4 * MiB,
  syncUniqueLayerBytes: 1 * MiB,
  syncTimeoutMs: 600_000,
  copyTimeoutMs: 180_000,
  bigLayerTimeoutMs: 600_000,
  serviceLatencyIterations: 30,
  serviceThroughputTriggers: 600,
  serviceThroughputConcurrency: 16,
  serviceDrainTimeoutMs: 120_000,
  scaleOutPromotions: 200,
  scaleOutTimeoutMs: 900_000,
  costPromotions: 100_000,
  costAuditEvents: 1_000_000,
  costRequests: 200,
};

export const QUICK: Profile = {
  name: 'quick',
  iterations: 2,
  bigLayerIterations: 2,
  mainLayerCount: 8,
  mainLayerBytes: 4 * MiB,
  multiArchPlatforms: PLATFORMS,
  multiArchLayersPerPlatform: 4,
  multiArchLayerBytes: 1 * MiB,
  bigLayerBytes: 128 * MiB,
  syncImages: 40,
  syncBaseLayers: 3,
  syncBaseLayerBytes: 512 * 1024,
  syncUniqueLayerBytes: 128 * 1024,
  syncTimeoutMs: 300_000,
  copyTimeoutMs: 60_000,
  bigLayerTimeoutMs: 120_000,
  serviceLatencyIterations: 10,
  serviceThroughputTriggers: 150,
  serviceThroughputConcurrency: 16,
  serviceDrainTimeoutMs: 60_000,
  scaleOutPromotions: 30,
  scaleOutTimeoutMs: 300_000,
  costPromotions: 10_000,
  costAuditEvents: 100_000,
  costRequests: 50,
};

/**
 * `--iterations N` overrides both copy counts (useful when re-checking one scenario). The service
 * counts stay: a p95 needs its samples.
 */
export function withIterations(profile: Profile, iterations: number | undefined): Profile {
  if (iterations === undefined) return profile;
  return { ...profile, iterations, bigLayerIterations: iterations };
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * MiB ? `${bytes / (1024 * MiB)} GiB` : `${bytes / MiB} MiB`;
}
