import type { Command } from 'commander';
import { BadUsageError } from '../../errors/kinds.ts';
import { parsePlatform } from '../../oci/platform.ts';
import { Registries } from '../../registry/registries.ts';
import { collectItems } from '../../sync/collect-items.ts';
import { runSync } from '../../sync/run-sync.ts';
import { reportError } from '../error-report.ts';
import { collect, parseBool, parseCount } from '../flags/bool-flags.ts';
import { endpointFromFlags } from '../flags/side-flags.ts';
import { addSideOptions, readSideOptions } from '../flags/side-options.ts';
import { type CliIo, ExitCode } from '../io.ts';
import { keychainFactories } from '../keychain-factories.ts';
import { createMemoryGuard } from '../memory-guard.ts';
import type { CommandResult } from '../program.ts';
import { VERSION } from '../version.ts';
import { summaryText, syncProgress } from './sync-output.ts';
import {
  DESTINATIONS,
  type DestinationTransport,
  type OpenedDestination,
  type OpenedSources,
  openDestination,
  openSources,
  resolveSide,
  SOURCES,
  type SourceTransport,
} from './sync-sides.ts';

export function registerSync(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('sync')
    .description(
      'Copy many images at once: a skopeo sync YAML, a repository, or an OCI layout/archive, to a registry or a layout/archive',
    )
    .argument('[source]', 'YAML file, REGISTRY/REPO[:TAG], or layout path (see --src)')
    .argument('[destination]', 'REGISTRY[/PATH] or layout path (see --dest)')
    .option('--src <transport>', `source transport: ${SOURCES.join(', ')} (or TRANSPORT:PATH)`)
    .option('--dest <transport>', `destination transport: ${DESTINATIONS.join(', ')} (or TRANSPORT:PATH)`);
  addSideOptions(cmd, 'src-', 'source');
  addSideOptions(cmd, 'dest-', 'destination');
  cmd
    .option('--authfile <path>', 'auth file for both sides')
    .option(
      '--scoped <bool>',
      'prefix destination paths with the source registry host (keeps equal paths of different registries apart)',
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
      'accepted for skopeo compatibility (digests are always preserved)',
      parseBool,
    )
    .option('-q, --quiet <bool>', 'print nothing but errors and the failure table', parseBool)
    .option('--json', 'print a machine-readable summary on standard output')
    .action(
      async (source: string | undefined, destination: string | undefined, opts: Record<string, unknown>) => {
        result.exitCode = await runSyncCommand(source, destination, opts, io);
      },
    );
}

async function runSyncCommand(
  sourceArg: string | undefined,
  destinationArg: string | undefined,
  opts: Record<string, unknown>,
  io: CliIo,
): Promise<number> {
  const registries = new Registries({
    retryTimes: opts.retryTimes as number,
    connectionsPerHost: Math.max(1, opts.maxConnections as number),
    userAgent: `ferry/${VERSION}`,
    env: io.env,
  });
  let sources: OpenedSources | undefined;
  let destination: OpenedDestination | undefined;
  let committed = false;
  const dryRun = opts.dryRun === true;
  try {
    // With `--src oci-archive:FILE`, the first positional is the destination.
    const srcInline = typeof opts.src === 'string' && opts.src.includes(':');
    const destInline = typeof opts.dest === 'string' && opts.dest.includes(':');
    const positionals = [sourceArg, destinationArg].filter((a): a is string => a !== undefined);
    const srcPositional = srcInline ? undefined : positionals.shift();
    const destPositional = destInline ? undefined : positionals.shift();
    if (positionals.length > 0)
      throw new BadUsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const src = resolveSide<SourceTransport>('--src', opts.src as string | undefined, srcPositional, SOURCES);
    const dst = resolveSide<DestinationTransport>(
      '--dest',
      opts.dest as string | undefined,
      destPositional,
      DESTINATIONS,
    );
    if (opts.all === true && opts.platform)
      throw new BadUsageError('--all cannot be combined with --platform');
    const platforms = ((opts.platform as string[] | undefined) ?? []).map(parsePlatform);
    const signatures = opts.signatures !== false && opts.removeSignatures !== true;
    const factories = keychainFactories(io);
    const authfile = opts.authfile as string | undefined;

    sources = await openSources(src.transport, src.location, {
      registries,
      flagsEndpoint: () => endpointFromFlags('src', readSideOptions(opts, 'src-'), factories, authfile),
    });
    destination = await openDestination(dst.transport, dst.location, {
      registries,
      endpoint: () => endpointFromFlags('dest', readSideOptions(opts, 'dest-'), factories, authfile),
      dryRun,
    });
    const opened = destination;
    const { items, failures } = await collectItems(sources.repositories, {
      keepGoing: opts.keepGoing === true,
      prefix: opened.prefix,
      scoped: opts.scoped === true,
      signatures,
      platforms: platforms.length > 0 ? platforms : undefined,
      openDestination: (repository) => opened.open(repository),
      destinationLabel: (repository) => opened.label(repository),
    });
    if (items.length === 0 && failures.length === 0)
      throw new BadUsageError('the source selects no images (no tags matched)');

    const quiet = opts.quiet === true;
    const progress = quiet || opts.json === true ? undefined : syncProgress(io.stderr, items.length);
    const guard = createMemoryGuard();
    let summary: Awaited<ReturnType<typeof runSync>>;
    try {
      summary = await runSync({
        items,
        failures,
        parallelImages: opts.parallelImages as number,
        blobParallel: opts.imageParallelCopies as number,
        keepGoing: opts.keepGoing === true,
        skipExisting: opts.skipExisting === true,
        dryRun,
        signatures,
        retryTimes: opts.retryTimes as number,
        onEvent: progress?.onEvent,
        onBytes: (n) => {
          guard(n);
          progress?.onBytes(n);
        },
      });
    } finally {
      progress?.finish();
    }
    // An archive holds only complete images (index.json names an image after its content is in),
    // so what succeeded is packed even when other images failed.
    await destination.close(true);
    committed = true;
    if (opts.json === true) io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else if (!quiet || summary.counts.failed > 0) io.stderr.write(summaryText(summary));
    return summary.counts.failed > 0 || summary.counts['not-started'] > 0 ? ExitCode.Failed : ExitCode.Ok;
  } catch (err) {
    const { exitCode, message } = reportError(err, 'sync: ');
    io.stderr.write(`${message}\n`);
    return exitCode;
  } finally {
    if (!committed) await destination?.close(false).catch(() => undefined);
    await sources?.close().catch(() => undefined);
    await registries.destroy();
  }
}
