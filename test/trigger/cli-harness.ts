import { Readable, Writable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { type CliIo, ExitCode } from '../../src/cli/io.ts';
import type { CommandResult } from '../../src/cli/program.ts';
import { registerTrigger } from '../../src/cli/trigger/register-trigger.ts';

/*
 * Runs `ferry trigger` in-process the way src/cli/program.ts runs every command (commander with
 * exitOverride, output through CliIo, CommanderError → exit 2), without depending on the command being
 * registered there yet.
 */

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export async function runTriggerCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const io: CliIo = { stdout, stderr, stdin: Readable.from([]), env };
  const result: CommandResult = { exitCode: ExitCode.Ok };
  const program = new Command('ferry')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  registerTrigger(program, io, result);
  let code: number;
  try {
    await program.parseAsync(['trigger', ...args], { from: 'user' });
    code = result.exitCode;
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    code = err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  }
  return { code, stdout: stdout.text, stderr: stderr.text };
}
