import type { BenchRegistry } from './environment.ts';
import type { FixtureLibrary } from './fixture-library.ts';
import { measure } from './measure.ts';
import { createToolEnv } from './tool-env.ts';
import { copyCommand, TOOLS } from './tools.ts';

/**
 * One untimed tiny copy per tool, so the first measured run of either does not pay for loading
 * node, the ferry bundle or the skopeo binary from disk. A failure here is only a warning: the
 * measured runs report failures properly.
 */
export async function warmUp(
  source: BenchRegistry,
  fixtures: FixtureLibrary,
  signal: AbortSignal,
  compileCacheDir: string,
): Promise<void> {
  const image = await fixtures.warmup();
  for (const tool of TOOLS) {
    const env = await createToolEnv({ compileCacheDir });
    try {
      const run = await measure(
        copyCommand(tool, env, {
          source: `${source.direct.host}/${image.repo}:${image.tag}`,
          destination: `${source.direct.host}/bench-warmup/${tool}:${image.tag}`,
        }),
        { env: env.env, timeoutMs: 60_000, signal },
      );
      if (run.code !== 0) {
        process.stderr.write(
          `bench: warm-up copy with ${tool} failed (exit ${run.code}): ${run.stderr.trim()}\n`,
        );
      }
    } finally {
      await env.remove();
    }
  }
}
