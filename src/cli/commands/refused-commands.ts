/**
 * skopeo commands ferry does not implement, registered (hidden) so that a pipeline calling one gets
 * the reason and exit 2 instead of "unknown command". The signing ones say "signing is not
 * supported" — the words skopeo itself prints when built without signing, which skopeo's own test
 * suite checks to skip its signing tests.
 */
import type { Command } from 'commander';
import type { CommandResult } from '../command-result.ts';
import { type CliIo, ExitCode } from '../io.ts';

const SIGNING =
  'signing is not supported by ferry: GPG simple signing is not implemented; sign with a sigstore key (copy --sign-by-sigstore-private-key) or cosign';

const REFUSED: ReadonlyArray<readonly [string, string]> = [
  ['standalone-sign', SIGNING],
  ['standalone-verify', `${SIGNING} (and verify with cosign verify)`],
  ['untrusted-signature-dump-without-verification', SIGNING],
  [
    'layers',
    "not supported by ferry: skopeo's deprecated layers command; use `ferry copy … oci:DIR` to fetch an image's blobs",
  ],
  ['experimental-image-proxy', 'not supported by ferry: the skopeo image proxy protocol is not implemented'],
];

/** Their names, for the program's table of commands. */
export const REFUSED_COMMANDS: readonly string[] = REFUSED.map(([name]) => name);

export function registerRefusedCommands(program: Command, io: CliIo, result: CommandResult): void {
  for (const [name, reason] of REFUSED) {
    program
      .command(name, { hidden: true })
      .allowUnknownOption()
      .allowExcessArguments()
      .helpOption(false)
      .action(() => {
        io.stderr.write(`ferry: ${name}: ${reason}\n`);
        result.exitCode = ExitCode.Usage;
      });
  }
}
