/**
 * Runs a ferry command in-process through the real command tree (src/cli/program.ts `run`): commander
 * parsing, error reporting and exit codes exactly as bin/ferry has them, without a child process.
 */
import { Readable, Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.ts';
import { run } from '../../src/cli/program.ts';

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

export async function runCliInProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const stdout = new Capture();
  const stderr = new Capture();
  const io: CliIo = { stdout, stderr, stdin: Readable.from([]), env };
  const code = await run(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}
