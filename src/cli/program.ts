import { Command, CommanderError } from 'commander';
import { registerCopy } from './commands/copy.ts';
import { registerDigest } from './commands/digest.ts';
import { registerInspect } from './commands/inspect.ts';
import { registerListTags } from './commands/list-tags.ts';
import { registerServe } from './commands/serve.ts';
import { reportError } from './error-report.ts';
import { normaliseBooleanFlags } from './flags/bool-flags.ts';
import { type CliIo, ExitCode } from './io.ts';
import { registerTrigger } from './trigger/register-trigger.ts';
import { VERSION } from './version.ts';

/** Holds the exit code an action decided on (commander actions cannot return one). */
export interface CommandResult {
  exitCode: number;
}

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const result: CommandResult = { exitCode: ExitCode.Ok };
  const program = new Command('ferry')
    .description('Promote container images between registries: safely, fast, with a record.')
    .version(`ferry version ${VERSION}`, '-v, --version')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  registerCopy(program, io, result);
  registerInspect(program, io, result);
  registerListTags(program, io, result);
  registerDigest(program, io, result);
  registerTrigger(program, io, result);
  registerServe(program, io, result);
  try {
    await program.parseAsync(normaliseBooleanFlags(args), { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; everything else commander rejects is bad usage.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const { exitCode, message } = reportError(err, '');
    io.stderr.write(`${message}\n`);
    return exitCode;
  }
  return result.exitCode;
}
