import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChecked } from '../test/rig/run-command.ts';
import { makeTempDir } from '../test/rig/temp-dir.ts';
import { CleanupStack } from './cleanup.ts';
import { DASHBOARD_SCENARIO_ID, parseCli, USAGE } from './cli-options.ts';
import { diskNeeded, diskShortfall } from './disk-space.ts';
import { type BenchRegistry, startBenchRegistry } from './environment.ts';
import { FixtureLibrary } from './fixture-library.ts';
import { machineInfo, runConditions, versions } from './machine-info.ts';
import { measureNodeFloor } from './node-floor.ts';
import { FULL, QUICK, withIterations } from './profile.ts';
import { type BenchReport, serviceTable, summaryTable, writeReports } from './report.ts';
import type { CaseResult } from './results.ts';
import { runScenario } from './scenario-runner.ts';
import { noopDestination, SCENARIOS } from './scenarios.ts';
import { runServiceBench } from './service-bench.ts';
import { runServiceCostGrowth } from './service-cost-growth.ts';
import { SERVICE_SCENARIO_IDS, type ServiceResult, SHARED_SERVE_SCENARIO_IDS } from './service-results.ts';
import { runServiceScaleOut } from './service-scale-out.ts';
import { measureStartup } from './startup.ts';
import { median, ratio } from './stats.ts';
import { giveToToolUser } from './tool-env.ts';
import { PINNED_NODE } from './tools.ts';
import { checkFreshRepoAssumption } from './verify.ts';
import { warmUp } from './warmup.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<number> {
  const started = performance.now();
  const loadAtStart = os.loadavg();
  const date = new Date().toISOString();
  let options: ReturnType<typeof parseCli>;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const RESULTS_MD = fileURLToPath(new URL(`${options.reportName}.md`, import.meta.url));
  const RESULTS_JSON = fileURLToPath(new URL(`${options.reportName}.json`, import.meta.url));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const profile = withIterations(options.quick ? QUICK : FULL, options.iterations);

  if (!existsSync(fileURLToPath(new URL('../dist/ferry.mjs', import.meta.url)))) {
    // bin/ferry would fall back to the TypeScript sources, which is not what users run.
    process.stderr.write('bench: dist/ is missing, building ferry first\n');
    await runChecked(PINNED_NODE, ['scripts/build.mjs'], { cwd: ROOT });
  }

  // Registries and fixtures live in the temp directory (test/rig/temp-dir.ts).
  const shortfall = await diskShortfall(os.tmpdir(), diskNeeded(profile, options.scenarios));
  if (shortfall !== undefined) {
    process.stderr.write(`bench: ${shortfall}\n`);
    return 1;
  }

  const cleanup = new CleanupStack();
  const abort = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130); // Second Ctrl-C: the rig's exit hooks still SIGKILL registries.
    interrupted = true;
    process.stderr.write('\nbench: interrupted, stopping everything (Ctrl-C again to force)\n');
    abort.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);

  const cases: CaseResult[] = [];
  const notes: string[] = [];
  const service: ServiceResult[] = [];
  const serviceNotes: string[] = [];
  let incomplete: string | undefined;
  const [machine, toolVersions, conditions] = await Promise.all([
    Promise.resolve(machineInfo()),
    versions(),
    runConditions(),
  ]);
  const report = (): BenchReport => ({
    date,
    profile,
    scenarios: options.scenarios,
    machine,
    versions: toolVersions,
    conditions,
    cases,
    notes,
    service,
    serviceNotes,
    totalRuntimeSeconds: (performance.now() - started) / 1000,
    loadAverage: { start: loadAtStart, end: os.loadavg() },
    incomplete,
  });

  const copyScenarios = SCENARIOS.filter((s) => options.scenarios.includes(s.id));
  const serviceScenarios = SERVICE_SCENARIO_IDS.filter((id) => options.scenarios.includes(id));
  const sharedServeScenarios = SHARED_SERVE_SCENARIO_IDS.filter((id) => options.scenarios.includes(id));
  try {
    if (copyScenarios.length > 0) await copyBench();
    if (sharedServeScenarios.length > 0) {
      abort.signal.throwIfAborted();
      let nodeOptions: string | undefined;
      if (options.serveCpuProfDir !== undefined) {
        const dir = resolve(options.serveCpuProfDir);
        await mkdir(dir, { recursive: true });
        nodeOptions = `--cpu-prof --cpu-prof-dir=${JSON.stringify(dir)}`;
        serviceNotes.push(
          `ferry serve ran with --cpu-prof (slower than unprofiled); its profile is in ${dir}.`,
        );
      }
      await runServiceBench(
        {
          profile,
          scenarios: sharedServeScenarios,
          signal: abort.signal,
          logLevel: options.serveLogLevel,
          nodeOptions,
          notes: serviceNotes,
          async onResult(result) {
            service.push(result);
            await writeReports(report(), RESULTS_MD, RESULTS_JSON);
          },
        },
        cleanup,
      );
    }
    // Each sets up its own services (PostgreSQL, replicas, seeded stores).
    const own = { profile, signal: abort.signal, logLevel: options.serveLogLevel };
    if (serviceScenarios.includes('service-scale-out')) {
      abort.signal.throwIfAborted();
      process.stderr.write('bench: == service-scale-out\n');
      service.push(await runServiceScaleOut(own, cleanup));
      await writeReports(report(), RESULTS_MD, RESULTS_JSON);
    }
    if (serviceScenarios.includes('service-cost-growth')) {
      abort.signal.throwIfAborted();
      process.stderr.write('bench: == service-cost-growth\n');
      service.push(await runServiceCostGrowth(own, cleanup));
      await writeReports(report(), RESULTS_MD, RESULTS_JSON);
    }
    if (options.scenarios.includes(DASHBOARD_SCENARIO_ID)) {
      abort.signal.throwIfAborted();
      process.stderr.write('bench: == dashboard\n');
      // Its own process and report (Chromium, 10,000 seeded promotions): bench/dashboard-results.md.
      const dashboard = await runChecked(PINNED_NODE, [
        fileURLToPath(new URL('dashboard.ts', import.meta.url)),
      ]);
      process.stdout.write(dashboard.stdout);
      serviceNotes.push('Dashboard figures (Chromium, 10,000 promotions): bench/dashboard-results.md.');
    }
  } catch (err) {
    incomplete = abort.signal.aborted
      ? 'interrupted (SIGINT/SIGTERM)'
      : `error: ${(err as Error).stack ?? String(err)}`;
    process.stderr.write(`bench: ${incomplete}\n`);
  } finally {
    await cleanup.runAll();
  }

  const final = report();
  await writeReports(final, RESULTS_MD, RESULTS_JSON);
  if (copyScenarios.length > 0) process.stdout.write(`${summaryTable(final)}\n\n`);
  if (final.service.length > 0) process.stdout.write(`Promotion service:\n\n${serviceTable(final)}\n\n`);
  process.stdout.write(
    `Total runtime ${final.totalRuntimeSeconds.toFixed(0)} s. Details: ${RESULTS_MD} and ${RESULTS_JSON}\n`,
  );
  return incomplete === undefined ? 0 : 1;

  /**
   * The floor under noop (direct) for any program on Node, measured against the populated destination
   * the scenario just used: the direct target (≤ 1.2 × skopeo) is judged against this.
   */
  async function nodeFloorNote(on: {
    source: BenchRegistry;
    prod: BenchRegistry;
    fixtures: FixtureLibrary;
    compileCacheDir: string;
  }): Promise<string> {
    const { source, prod, compileCacheDir } = on;
    const image = await on.fixtures.main();
    const dest = noopDestination('direct');
    const floor = await measureNodeFloor({
      sourceManifestUrl: `${source.direct.url}/v2/${image.repo}/manifests/${image.tag}`,
      destinationManifestUrl: `${prod.direct.url}/v2/${dest.repo}/manifests/${dest.tag}`,
      runs: 3 * profile.iterations,
      compileCacheDir,
      signal: abort.signal,
    });
    const noop = cases.find((c) => c.scenario === 'noop' && c.network === 'direct');
    const skopeo = median(
      (noop?.runs ?? []).filter((r) => r.tool === 'skopeo' && r.failure === undefined).map((r) => r.seconds),
    );
    const floorRatio = ratio(floor.floorSeconds, skopeo);
    const s = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(3)} s`);
    return (
      `Node floor for noop (direct), ${floor.runs} interleaved runs each: \`node -e 0\` ${s(floor.bareNodeSeconds)}; ` +
      `bench/node-floor.cjs (the no-op's two requests with node:http and a SHA-256, nothing else) ` +
      `${s(floor.floorSeconds)}, ${floorRatio === undefined ? 'n/a' : `${floorRatio.toFixed(2)}×`} skopeo's median.`
    );
  }

  /** ferry vs skopeo: copies with both tools between bench registries. */
  async function copyBench(): Promise<void> {
    const source = await startBenchRegistry('nonprod', cleanup);
    const fixtureDir = await makeTempDir('bench-fixtures');
    cleanup.defer('fixture files', () => fixtureDir.remove());
    const fixtures = new FixtureLibrary(profile, source, fixtureDir.path);
    const compileCache = await makeTempDir('bench-compile-cache');
    cleanup.defer('compile cache', () => compileCache.remove());
    await giveToToolUser(compileCache.path);
    notes.push(
      "ferry's V8 compile cache (NODE_COMPILE_CACHE) persists across runs, as os.tmpdir() does on a real machine; the warm-up run fills it. skopeo's per-run isolation is unchanged.",
    );
    await warmUp(source, fixtures, abort.signal, compileCache.path);
    const startup = measureStartup();
    notes.push(
      `Start-up: \`ferry --version\` median ${startup.ferryMs?.toFixed(0) ?? 'n/a'} ms over 15 runs (target ≤ 120 ms).`,
    );

    let freshChecked = false;
    for (const def of copyScenarios) {
      abort.signal.throwIfAborted();
      process.stderr.write(`bench: == ${def.id}\n`);
      // A new destination registry per scenario keeps its storage (and disk use) small.
      const prod = await startBenchRegistry(`prod (${def.id})`, cleanup);
      try {
        await runScenario(
          def,
          { profile, fixtures, prod },
          {
            source,
            signal: abort.signal,
            compileCacheDir: compileCache.path,
            async onVerifiedRun(registry, repo, digest) {
              if (freshChecked) return;
              freshChecked = true;
              const check = await checkFreshRepoAssumption(registry.direct, repo, digest);
              const holds = check.visibleInPopulatedRepo && !check.visibleInNewRepo;
              notes.push(
                `Fresh-repository check: HEAD of blob ${check.digest} answered ` +
                  `${check.visibleInPopulatedRepo ? '200' : '404'} in ${check.presentIn} and ` +
                  `${check.visibleInNewRepo ? '200' : '404'} in a never-written repository of the same registry: ` +
                  (holds
                    ? 'blobs stored for another repository are invisible to a new one, so fresh repository names mean fresh copies.'
                    : 'ASSUMPTION BROKEN, fresh-copy numbers are suspect.'),
              );
            },
          },
          cases,
        );
        if (def.id === 'noop' && cases.some((c) => c.scenario === 'noop' && c.network === 'direct')) {
          notes.push(await nodeFloorNote({ source, prod, fixtures, compileCacheDir: compileCache.path }));
        }
      } finally {
        await prod.stop();
      }
      // Partial results survive a crash or Ctrl-C in a later scenario.
      await writeReports(report(), RESULTS_MD, RESULTS_JSON);
    }
    // Not needed by the service scenarios: stopped now rather than idling through them.
    await source.stop();
  }
}

process.exitCode = await main();
