import { type CliRun, runCliInProcess } from '../support/run-cli-in-process.ts';

export type { CliRun };

/** `ferry bootstrap ARGS…` in-process. */
export function runBootstrap(args: readonly string[]): Promise<CliRun> {
  return runCliInProcess(['bootstrap', ...args]);
}
