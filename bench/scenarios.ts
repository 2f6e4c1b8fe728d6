import { pushImage } from '../test/rig/rig-client.ts';
import type { BenchRegistry, Network } from './environment.ts';
import type { FixtureLibrary, SourceImage } from './fixture-library.ts';
import type { Profile } from './profile.ts';
import { syncRun } from './sync-scenario.ts';
import type { Command, ToolEnv } from './tool-env.ts';
import type { Tool } from './tools.ts';

export const SCENARIO_IDS = [
  'fresh-loopback',
  'fresh-rtt50',
  'incremental',
  'noop',
  'multi-arch',
  'big-layer',
  'sync-40',
] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** What ferry has to reach for a case to count as met. */
export interface Target {
  /** Upper bound for median(ferry) / median(skopeo) wall time. */
  readonly maxRatio: number;
  /** Upper bound for ferry's peak RSS (largest of its runs). */
  readonly maxFerryPeakRssMiB?: number;
}

/** One row of the results: a scenario over one network path. */
export interface CaseDefinition {
  readonly network: Network;
  /** Undefined for variants reported for information only (the other network is judged). */
  readonly target: Target | undefined;
}

export interface RunDestination {
  readonly repo: string;
  readonly tag: string;
}

export interface RunSlot {
  readonly tool: Tool;
  readonly network: Network;
  readonly iteration: number;
}

export interface ScenarioSetup {
  /** The image copied; undefined for scenarios with their own command (sync). */
  readonly source: SourceImage | undefined;
  readonly extraArgs: Readonly<Record<Tool, readonly string[]>>;
  /** Puts the destination into the scenario's pre-state (untimed) and says where to copy to. */
  destination(slot: RunSlot): Promise<RunDestination>;
  /** Instead of one `copy`: the command each tool runs, and the check of what it left behind. */
  readonly custom?: CustomRun | undefined;
}

export interface CustomRun {
  command(
    tool: Tool,
    env: ToolEnv,
    sourceHost: string,
    destinationHost: string,
    dest: RunDestination,
  ): Promise<Command>;
  /** Undefined when the destination is right. */
  verify(dest: RunDestination): Promise<string | undefined>;
}

export interface ScenarioContext {
  readonly profile: Profile;
  readonly fixtures: FixtureLibrary;
  /** The destination registry of this scenario; pre-state is pushed to it directly. */
  readonly prod: BenchRegistry;
}

export interface ScenarioDefinition {
  readonly id: ScenarioId;
  readonly summary: string;
  readonly cases: readonly CaseDefinition[];
  iterations(profile: Profile): number;
  timeoutMs(profile: Profile): number;
  setup(ctx: ScenarioContext): Promise<ScenarioSetup>;
}

const TAG = 'v1';
const NO_EXTRA_ARGS: Readonly<Record<Tool, readonly string[]>> = { ferry: [], skopeo: [] };

/** The noop scenario's destination on `network`: populated once, shared by every run. */
export function noopDestination(network: Network): RunDestination {
  return { repo: `noop-${network}/app`, tag: TAG };
}

/** A new repository per run, so every copy starts from nothing. */
function freshRepo(id: ScenarioId, slot: RunSlot): RunDestination {
  return { repo: `${id}-${slot.network}/${slot.tool}-${slot.iteration}`, tag: TAG };
}

const defaultIterations = (p: Profile) => p.iterations;
const defaultTimeout = (p: Profile) => p.copyTimeoutMs;

const freshCopy = (id: ScenarioId, network: Network, maxRatio: number): ScenarioDefinition => ({
  id,
  summary: `Fresh copy of the ${network === 'direct' ? 'main image, registry to registry on loopback' : 'main image through the latency proxies (50 ms RTT)'}.`,
  cases: [{ network, target: { maxRatio } }],
  iterations: defaultIterations,
  timeoutMs: defaultTimeout,
  async setup({ fixtures }) {
    return {
      source: await fixtures.main(),
      extraArgs: NO_EXTRA_ARGS,
      destination: async (slot) => freshRepo(id, slot),
    };
  },
});

/**
 * Direct (loopback, as on a data-centre LAN) variants of the rtt50 scenarios: swapping skopeo for
 * ferry must not make a pipeline noticeably slower there either, where start-up dominates (issue 12).
 */
const DIRECT_MAX_RATIO = 1.2;

export const SCENARIOS: readonly ScenarioDefinition[] = [
  freshCopy('fresh-loopback', 'direct', 1.0),
  freshCopy('fresh-rtt50', 'rtt50', 0.65),
  {
    id: 'incremental',
    summary:
      'The destination repository already holds all layers but the last (a sibling image pushed first), so one layer and the config move.',
    cases: [
      { network: 'rtt50', target: { maxRatio: 0.5 } },
      { network: 'direct', target: { maxRatio: DIRECT_MAX_RATIO } },
    ],
    iterations: defaultIterations,
    timeoutMs: defaultTimeout,
    async setup({ fixtures, prod }) {
      const [source, sibling] = await Promise.all([fixtures.main(), fixtures.sibling()]);
      return {
        source,
        extraArgs: NO_EXTRA_ARGS,
        async destination(slot) {
          const dest = freshRepo('incremental', slot);
          await pushImage(prod.direct, dest.repo, 'base', sibling);
          return dest;
        },
      };
    },
  },
  {
    id: 'noop',
    summary: 'The destination already has the identical image under the same tag: nothing should move.',
    cases: [
      { network: 'rtt50', target: { maxRatio: 0.35 } },
      { network: 'direct', target: { maxRatio: DIRECT_MAX_RATIO } },
    ],
    iterations: defaultIterations,
    timeoutMs: defaultTimeout,
    async setup({ fixtures, prod }) {
      const source = await fixtures.main();
      const populated = new Map<Network, Promise<RunDestination>>();
      return {
        source,
        extraArgs: NO_EXTRA_ARGS,
        destination(slot) {
          // One populated repository per network, shared by all runs: a no-op leaves it unchanged.
          let dest = populated.get(slot.network);
          if (dest === undefined) {
            const target = noopDestination(slot.network);
            dest = pushImage(prod.direct, target.repo, target.tag, source.fixture).then(() => target);
            populated.set(slot.network, dest);
          }
          return dest;
        },
      };
    },
  },
  {
    id: 'multi-arch',
    summary:
      'Fresh copy of a 3-platform index: ferry copies the whole index by default, skopeo needs `--all`.',
    cases: [
      { network: 'rtt50', target: { maxRatio: 0.6 } },
      { network: 'direct', target: { maxRatio: DIRECT_MAX_RATIO } },
    ],
    iterations: defaultIterations,
    timeoutMs: defaultTimeout,
    async setup({ fixtures }) {
      return {
        source: await fixtures.multiArch(),
        extraArgs: { ferry: [], skopeo: ['--all'] },
        destination: async (slot) => freshRepo('multi-arch', slot),
      };
    },
  },
  {
    id: 'big-layer',
    summary: 'Fresh copy of an image with one big layer on loopback: wall time and peak RSS.',
    cases: [{ network: 'direct', target: { maxRatio: 1.0, maxFerryPeakRssMiB: 100 } }],
    iterations: (p) => p.bigLayerIterations,
    timeoutMs: (p) => p.bigLayerTimeoutMs,
    async setup({ fixtures }) {
      return {
        source: await fixtures.big(),
        extraArgs: NO_EXTRA_ARGS,
        destination: async (slot) => freshRepo('big-layer', slot),
      };
    },
  },
  {
    id: 'sync-40',
    summary:
      'Sync of 40 images (3 shared base layers + 1 own layer each) from a YAML file through the latency proxies: `ferry sync` vs `skopeo sync --src yaml`.',
    cases: [{ network: 'rtt50', target: { maxRatio: 0.15 } }],
    iterations: (p) => Math.min(p.iterations, 3),
    timeoutMs: (p) => p.syncTimeoutMs,
    async setup({ fixtures, prod }) {
      const set = await fixtures.syncSet();
      return {
        source: undefined,
        extraArgs: NO_EXTRA_ARGS,
        destination: async (slot) => ({
          repo: `sync-${slot.network}/${slot.tool}-${slot.iteration}`,
          tag: set.tag,
        }),
        custom: syncRun(set, prod),
      };
    },
  },
];
