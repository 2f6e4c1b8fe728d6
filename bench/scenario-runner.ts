import { spawnSync } from 'node:child_process';
import type { BenchRegistry } from './environment.ts';
import { measure } from './measure.ts';
import type { CaseResult, RunRecord } from './results.ts';
import type { ScenarioContext, ScenarioDefinition } from './scenarios.ts';
import { createToolEnv } from './tool-env.ts';
import { copyCommand, type Tool } from './tools.ts';
import { verifyCopy } from './verify.ts';

export interface RunnerHooks {
  readonly source: BenchRegistry;
  readonly signal: AbortSignal;
  /** Shared by every ferry run (see ToolEnvOptions). */
  readonly compileCacheDir: string;
  /** Called after every successful run (the first one feeds the fresh-repository check). */
  onVerifiedRun?(prod: BenchRegistry, repo: string, layerDigest: string): Promise<void>;
}

const STDERR_TAIL_CHARS = 2000;

/**
 * All iterations of one scenario, case by case, alternating which tool goes first. Each case is
 * added to `results` before its first run, so an interrupted run still reports what it measured.
 */
export async function runScenario(
  def: ScenarioDefinition,
  ctx: ScenarioContext,
  hooks: RunnerHooks,
  results: CaseResult[],
): Promise<void> {
  const setup = await def.setup(ctx);
  const iterations = def.iterations(ctx.profile);
  for (const c of def.cases) {
    const label = def.cases.length > 1 ? `${def.id} (${c.network})` : def.id;
    const runs: RunRecord[] = [];
    results.push({ scenario: def.id, network: c.network, label, target: c.target, runs });
    const sourceImage = setup.source;
    const src = sourceImage
      ? `${hooks.source.endpoint(c.network).host}/${sourceImage.repo}:${sourceImage.tag}`
      : hooks.source.endpoint(c.network).host;
    for (let iteration = 0; iteration < iterations; iteration++) {
      // Alternating cancels out whatever the first run of a pair pays (or leaves behind) for the other.
      const order: Tool[] = iteration % 2 === 0 ? ['ferry', 'skopeo'] : ['skopeo', 'ferry'];
      for (const [index, tool] of order.entries()) {
        hooks.signal.throwIfAborted();
        const dest = await setup.destination({ tool, network: c.network, iteration });
        const destination = `${ctx.prod.endpoint(c.network).host}/${dest.repo}:${dest.tag}`;
        // Dirty pages from the previous copy would otherwise be written back during this one.
        spawnSync('sync');
        const env = await createToolEnv({ compileCacheDir: hooks.compileCacheDir });
        let record: RunRecord;
        try {
          const command = setup.custom
            ? await setup.custom.command(tool, env, src, ctx.prod.endpoint(c.network).host, dest)
            : copyCommand(tool, env, { source: src, destination, extraArgs: setup.extraArgs[tool] });
          const run = await measure(command, {
            env: env.env,
            timeoutMs: def.timeoutMs(ctx.profile),
            signal: hooks.signal,
          });
          hooks.signal.throwIfAborted();
          const failure =
            run.code !== 0
              ? `exit code ${run.code}${run.timedOut ? ' (timed out)' : ''}; stderr: ${tail(run.stderr)}`
              : setup.custom
                ? await setup.custom.verify(dest)
                : await verifyCopy(ctx.prod.direct, dest.repo, dest.tag, sourceImage!);
          record = {
            iteration,
            tool,
            position: index === 0 ? 1 : 2,
            seconds: run.seconds,
            peakRssKiB: run.peakRssKiB,
            destination,
            failure,
          };
        } finally {
          await env.remove();
        }
        runs.push(record);
        if (record.failure === undefined && sourceImage) {
          await hooks.onVerifiedRun?.(ctx.prod, dest.repo, sourceImage.sampleLayerDigest);
        }
        process.stderr.write(
          `bench: ${label} #${iteration + 1}/${iterations} ${tool.padEnd(6)} ` +
            `${record.seconds.toFixed(3)} s` +
            (record.peakRssKiB === undefined ? '' : `, ${(record.peakRssKiB / 1024).toFixed(0)} MiB RSS`) +
            (record.failure === undefined ? ', ok' : `, FAILED: ${record.failure}`) +
            '\n',
        );
      }
    }
  }
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= STDERR_TAIL_CHARS ? trimmed : `…${trimmed.slice(-STDERR_TAIL_CHARS)}`;
}
