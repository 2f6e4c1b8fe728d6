import { type CliRun, runCliInProcess } from '../support/run-cli-in-process.ts';

export type { CliRun };

/** `ferry trigger ARGS…` in-process, with `env` as the command's environment. */
export function runTriggerCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCliInProcess(['trigger', ...args], env);
}
