import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { manifestFileDigest } from '../../oci/manifest-file-digest.ts';
import type { CommandResult } from '../command-result.ts';
import { reportError } from '../error-report.ts';
import { readGlobalOptions } from '../global-options.ts';
import { type CliIo, ExitCode } from '../io.ts';

/** `skopeo manifest-digest FILE`: the digest of a manifest file (a signed schema 1 one without its signatures). */
export function registerManifestDigest(program: Command, io: CliIo, result: CommandResult): void {
  program
    .command('manifest-digest')
    .description('Print the digest of a manifest file (like skopeo manifest-digest)')
    .argument('<manifest-file>', 'e.g. manifest.json')
    .action(async (file: string, _opts: unknown, command: Command) => {
      try {
        const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
          throw new Error(`reading manifest from ${file}: ${err.code ?? err.message}`);
        });
        io.stdout.write(`${manifestFileDigest(bytes)}\n`);
        result.exitCode = ExitCode.Ok;
      } catch (err) {
        const { exitCode, message } = reportError(err, 'manifest-digest: ', readGlobalOptions(command));
        io.stderr.write(`${message}\n`);
        result.exitCode = exitCode;
      }
    });
}
