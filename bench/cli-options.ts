import { parseArgs } from 'node:util';
import { SCENARIO_IDS, type ScenarioId } from './scenarios.ts';
import { SERVICE_SCENARIO_IDS, type ServiceScenarioId } from './service-results.ts';

/** The dashboard in Chromium (bench/dashboard.ts, its own report: bench/dashboard-results.md). */
export const DASHBOARD_SCENARIO_ID = 'dashboard';

/** ferry-vs-skopeo copy scenarios first, then the promotion service, then the dashboard. */
export const ALL_SCENARIO_IDS = [...SCENARIO_IDS, ...SERVICE_SCENARIO_IDS, DASHBOARD_SCENARIO_ID] as const;
export type BenchScenarioId = ScenarioId | ServiceScenarioId | typeof DASHBOARD_SCENARIO_ID;

function isBenchScenarioId(value: string): value is BenchScenarioId {
  return (ALL_SCENARIO_IDS as readonly string[]).includes(value);
}

export interface CliOptions {
  readonly quick: boolean;
  /** Selected scenarios, in the canonical order. */
  readonly scenarios: readonly BenchScenarioId[];
  readonly iterations: number | undefined;
  /** FERRY_LOG_LEVEL of `ferry serve` in the service scenarios. */
  readonly serveLogLevel: string;
  /** Directory for a V8 CPU profile of `ferry serve` (written when it stops), if wanted. */
  readonly serveCpuProfDir: string | undefined;
  readonly help: boolean;
  /**
   * Base name of the report files in bench/: "results" for a run of every scenario, "results-<ids>"
   * for a run of some, so a partial run never replaces the full comparison.
   */
  readonly reportName: string;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export const USAGE = `Usage: node bench/run.ts [--quick] [--only <scenario>[,<scenario>…]]… [--iterations <n>]
         [--serve-log-level <level>] [--serve-cpu-prof <dir>]

  --quick           smoke run: 2 iterations, small images (< 2 min)
  --only <ids>      run only these scenarios (repeatable or comma-separated):
                    ${ALL_SCENARIO_IDS.join(', ')}
  --iterations <n>  measured runs per tool for every selected copy scenario
  --serve-log-level <level>
                    FERRY_LOG_LEVEL of ferry serve in the service-* scenarios (default info)
  --serve-cpu-prof <dir>
                    write a V8 CPU profile of ferry serve into <dir> (service-* scenarios)
  -h, --help        this text

Writes bench/results.md and bench/results.json (with --only: bench/results-<ids>.md/.json, so a
partial run never replaces the full report) and prints the summary tables.`;

export function parseCli(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      iterations: { type: 'string' },
      'serve-log-level': { type: 'string', default: 'info' },
      'serve-cpu-prof': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const wanted = (values.only ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  for (const id of wanted) {
    if (!isBenchScenarioId(id)) {
      throw new Error(`unknown scenario "${id}"; known: ${ALL_SCENARIO_IDS.join(', ')}`);
    }
  }
  let iterations: number | undefined;
  if (values.iterations !== undefined) {
    iterations = Number(values.iterations);
    if (!Number.isInteger(iterations) || iterations < 1) {
      throw new Error(`--iterations wants a positive integer, got "${values.iterations}"`);
    }
  }
  const serveLogLevel = values['serve-log-level'] ?? 'info';
  if (!LOG_LEVELS.includes(serveLogLevel)) {
    throw new Error(`--serve-log-level wants one of ${LOG_LEVELS.join(', ')}, got "${serveLogLevel}"`);
  }
  const scenarios =
    wanted.length === 0 ? ALL_SCENARIO_IDS : ALL_SCENARIO_IDS.filter((id) => wanted.includes(id));
  return {
    quick: values.quick === true,
    scenarios,
    iterations,
    serveLogLevel,
    serveCpuProfDir: values['serve-cpu-prof'],
    help: values.help === true,
    reportName: scenarios.length === ALL_SCENARIO_IDS.length ? 'results' : `results-${scenarios.join('_')}`,
  };
}
