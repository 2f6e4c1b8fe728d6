import { parseArgs } from 'node:util';
import { isScenarioId, SCENARIO_IDS, type ScenarioId } from './scenarios.ts';

export interface CliOptions {
  readonly quick: boolean;
  /** Selected scenarios, in the canonical order. */
  readonly scenarios: readonly ScenarioId[];
  readonly iterations: number | undefined;
  readonly help: boolean;
}

export const USAGE = `Usage: node bench/run.ts [--quick] [--only <scenario>[,<scenario>…]]… [--iterations <n>]

  --quick           smoke run: 2 iterations, small images (< 2 min)
  --only <ids>      run only these scenarios (repeatable or comma-separated):
                    ${SCENARIO_IDS.join(', ')}
  --iterations <n>  measured runs per tool for every selected scenario
  -h, --help        this text

Writes bench/results.md and bench/results.json and prints the summary table.`;

export function parseCli(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      iterations: { type: 'string' },
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
    if (!isScenarioId(id)) throw new Error(`unknown scenario "${id}"; known: ${SCENARIO_IDS.join(', ')}`);
  }
  let iterations: number | undefined;
  if (values.iterations !== undefined) {
    iterations = Number(values.iterations);
    if (!Number.isInteger(iterations) || iterations < 1) {
      throw new Error(`--iterations wants a positive integer, got "${values.iterations}"`);
    }
  }
  return {
    quick: values.quick === true,
    scenarios: wanted.length === 0 ? SCENARIO_IDS : SCENARIO_IDS.filter((id) => wanted.includes(id)),
    iterations,
    help: values.help === true,
  };
}
