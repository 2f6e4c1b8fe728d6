import { type Command, Option } from 'commander';
import type { CommandResult } from '../command-result.ts';
import { collect, parseBool, parseCount } from '../flags/bool-flags.ts';
import { addConversionOptions } from '../flags/conversion-flags.ts';
import { addRefusedOptions } from '../flags/refused-options.ts';
import { addSideOptions } from '../flags/side-options.ts';
import { addSigningOptions } from '../flags/signing-options.ts';
import { readGlobalOptions } from '../global-options.ts';
import type { CliIo } from '../io.ts';
import { DESTINATIONS, SOURCES } from './sync-transports.ts';

export function registerSync(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('sync')
    .description(
      'Copy many images at once: a skopeo sync YAML, a repository, image directories (dir) or an OCI layout/archive, to a registry, image directories or a layout/archive; ' +
        'each source image must satisfy the containers signature policy (policy.json), as with skopeo',
    )
    .argument('[source]', 'YAML file, REGISTRY/REPO[:TAG], or directory / layout path (see --src)')
    .argument('[destination]', 'REGISTRY[/PATH] or directory / layout path (see --dest)')
    .option('-s, --src <transport>', `source transport: ${SOURCES.join(', ')} (or TRANSPORT:PATH)`)
    .option(
      '-d, --dest <transport>',
      `destination transport: ${DESTINATIONS.join(', ')} (or TRANSPORT:PATH)`,
    );
  addSideOptions(cmd, 'src-', 'source', 'screds');
  addSideOptions(cmd, 'dest-', 'destination', 'dcreds');
  addConversionOptions(cmd, { compression: false });
  addSigningOptions(cmd, { identity: false });
  addRefusedOptions(cmd, 'sync');
  cmd
    .addOption(
      new Option('--tls-verify <bool>', 'deprecated: use --src-tls-verify / --dest-tls-verify')
        .argParser(parseBool)
        .hideHelp(),
    )
    .option('--authfile <path>', 'auth file for both sides')
    .option(
      '--scoped <bool>',
      'keep the whole source path, under the source registry host (default, as skopeo: only the last path component)',
      parseBool,
    )
    .option('--dry-run <bool>', 'print what would be copied, mounted and skipped; write nothing', parseBool)
    .option(
      '--skip-existing <bool>',
      'leave destination tags that exist alone (immutable-tag registries)',
      parseBool,
    )
    .option('--keep-going <bool>', 'try every image, then report all failures (exit 1 if any)', parseBool)
    .option('--parallel-images <n>', 'images copied at once', parseCount, 8)
    .option(
      '--max-connections <n>',
      'connections per registry, shared by all images (a global budget per registry)',
      parseCount,
      16,
    )
    .option('--image-parallel-copies <n>', 'blobs copied at once per image', parseCount, 6)
    .option('--retry-times <n>', 'retries for temporary failures (network, 408/429/5xx)', parseCount, 3)
    .option(
      '--platform <os/arch[/variant]>',
      'copy only this platform (repeatable); changes digests',
      collect,
    )
    .option('-a, --all <bool>', 'all platforms (the default; accepted for skopeo compatibility)', parseBool)
    .option('--no-signatures', 'do not copy cosign signatures/attestations/SBOMs and referrers')
    .option('--remove-signatures <bool>', 'skopeo compatibility: same as --no-signatures', parseBool)
    .option(
      '--preserve-digests <bool>',
      'refuse a --format conversion that would change a digest (digests are preserved otherwise)',
      parseBool,
    )
    .option('-q, --quiet <bool>', 'print nothing but errors and the failure table', parseBool)
    .option('--json', 'print a machine-readable summary on standard output')
    .action(
      async (
        source: string | undefined,
        destination: string | undefined,
        opts: Record<string, unknown>,
        command: Command,
      ) => {
        const { runSyncCommand } = await import('./run-sync-command.ts');
        result.exitCode = await runSyncCommand(source, destination, opts, io, readGlobalOptions(command));
      },
    );
}
