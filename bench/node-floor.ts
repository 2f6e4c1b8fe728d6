import { fileURLToPath } from 'node:url';
import { measure } from './measure.ts';
import { median } from './stats.ts';
import { createToolEnv } from './tool-env.ts';
import { PINNED_NODE } from './tools.ts';

const FLOOR_SCRIPT = fileURLToPath(new URL('node-floor.cjs', import.meta.url));
const TIMEOUT_MS = 30_000;

export interface NodeFloor {
  /** Median wall seconds of `node -e 0` on the pinned runtime. */
  readonly bareNodeSeconds: number | undefined;
  /** Median wall seconds of bench/node-floor.cjs doing a no-op copy's two requests. */
  readonly floorSeconds: number | undefined;
  readonly runs: number;
}

/**
 * What a no-op copy costs any Node.js program here, measured like the tools (same user, a fresh
 * environment per run, wall time from spawn to exit): the bare runtime, then the least program that
 * does a no-op's work (bench/node-floor.cjs). Interleaved so both see the same machine.
 */
export async function measureNodeFloor(opts: {
  /** `http://host/v2/repo/manifests/tag` of the source and the already populated destination. */
  readonly sourceManifestUrl: string;
  readonly destinationManifestUrl: string;
  readonly runs: number;
  readonly compileCacheDir: string;
  readonly signal: AbortSignal;
}): Promise<NodeFloor> {
  const bare: number[] = [];
  const floor: number[] = [];
  const once = async (args: readonly string[], into: number[]) => {
    const env = await createToolEnv({ compileCacheDir: opts.compileCacheDir });
    try {
      const run = await measure(env.command(PINNED_NODE, args), {
        env: env.env,
        timeoutMs: TIMEOUT_MS,
        signal: opts.signal,
      });
      if (run.code !== 0) throw new Error(`${args.join(' ')} exited ${run.code}: ${run.stderr.trim()}`);
      into.push(run.seconds);
    } finally {
      await env.remove();
    }
  };
  await once([FLOOR_SCRIPT, opts.sourceManifestUrl, opts.destinationManifestUrl], []); // page cache
  for (let i = 0; i < opts.runs; i++) {
    await once(['-e', '0'], bare);
    await once([FLOOR_SCRIPT, opts.sourceManifestUrl, opts.destinationManifestUrl], floor);
  }
  return { bareNodeSeconds: median(bare), floorSeconds: median(floor), runs: opts.runs };
}
