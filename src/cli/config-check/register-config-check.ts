/**
 * `ferry config check FILE`: validates a ferry.yaml exactly as `ferry serve` does at start (the same
 * loader: YAML, schema, cross-references, the files and variables it points at) and starts nothing.
 * Registration only; the service's config loader loads when the command runs.
 */
import type { Command } from 'commander';
import type { CommandResult } from '../command-result.ts';
import type { CliIo } from '../io.ts';

export interface ConfigCheckFlags {
  readonly fileOnly?: boolean | undefined;
  readonly json?: boolean | undefined;
}

export function registerConfigCheck(program: Command, io: CliIo, result: CommandResult): void {
  const config = program.command('config').description('Work with ferry.yaml without starting anything');
  config
    .command('check')
    .description(
      'Validate a ferry.yaml as ferry serve would at start, starting nothing: exit 0 when valid, 2 listing every problem',
    )
    .argument('<file>', 'the ferry.yaml to check')
    .option(
      '--file-only',
      'check the file alone: do not read the secret files, certDirs and environment variables it names (linting in CI, away from the mounts)',
    )
    .option('--json', 'print {valid, problems, warnings} as JSON on standard output')
    .action(async (file: string, opts: ConfigCheckFlags) => {
      const { runConfigCheck } = await import('./run-config-check.ts');
      result.exitCode = await runConfigCheck(file, opts, io);
    });
}
