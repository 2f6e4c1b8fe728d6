import { BadUsageError } from '../../errors/kinds.ts';
import { isDigest } from '../../oci/digest.ts';
import { parsePlatform } from '../../oci/platform.ts';
import { type LoadedPolicy, loadPolicy } from '../../policy/load-policy.ts';
import { sourceAdmission } from '../../policy/policy-admission.ts';
import type { SubjectReference } from '../../policy/policy-subject.ts';
import { Registries } from '../../registry/registries.ts';
import type { Repository } from '../../registry/repository.ts';
import type { SyncAdmit } from '../../sync/admit-item.ts';
import { collectItems } from '../../sync/collect-items.ts';
import { runSync } from '../../sync/run-sync.ts';
import type { SyncItem } from '../../sync/sync-types.ts';
import { reportError } from '../error-report.ts';
import { readConversionOptions } from '../flags/conversion-flags.ts';
import { readPolicyOptions } from '../flags/policy-options.ts';
import { endpointFromFlags } from '../flags/side-flags.ts';
import { readSideOptions, withTlsDefault } from '../flags/side-options.ts';
import { readSigningOptions, type SigningKey } from '../flags/signing-options.ts';
import type { GlobalOptions } from '../global-options.ts';
import { type CliIo, ExitCode } from '../io.ts';
import { keychainFactories } from '../keychain-factories.ts';
import { createMemoryGuard } from '../memory-guard.ts';
import { VERSION } from '../version.ts';
import { summaryText, syncProgress } from './sync-output.ts';
import {
  type OpenedDestination,
  type OpenedSources,
  openDestination,
  openSources,
  resolveSide,
} from './sync-sides.ts';
import { DESTINATIONS, type DestinationTransport, SOURCES, type SourceTransport } from './sync-transports.ts';

/** `ferry sync`, loaded only when the command runs (YAML, semver and the sync engine stay out of other commands). */
export async function runSyncCommand(
  sourceArg: string | undefined,
  destinationArg: string | undefined,
  opts: Record<string, unknown>,
  io: CliIo,
  globals: GlobalOptions,
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
    // As skopeo: the policy is loaded first, and a missing or invalid one stops the sync.
    const policy = await loadPolicy(readPolicyOptions(globals, io.env));
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
    const { conversion } = readConversionOptions(opts, dst.transport);
    const signatures = opts.signatures !== false && opts.removeSignatures !== true;
    // Before anything is copied: a bad key or passphrase must leave every destination untouched.
    const signing = await readSigningOptions(opts);
    if (signing && dst.transport !== 'docker') {
      throw new BadUsageError(
        `--sign-by-sigstore-private-key: signatures can only be stored in a registry (--dest docker), not in ${dst.transport}`,
      );
    }
    const factories = keychainFactories(io);
    const authfile = opts.authfile as string | undefined;
    // skopeo: a side's own --*-tls-verify, else the deprecated sync --tls-verify, else the global one.
    const tlsDefault = (opts.tlsVerify as boolean | undefined) ?? globals.tlsVerify;
    if (opts.tlsVerify !== undefined)
      io.stderr.write(
        "ferry: warning: '--tls-verify' is deprecated, instead use: --src-tls-verify, --dest-tls-verify\n",
      );
    const srcFlags = withTlsDefault(readSideOptions(opts, 'src-', 'screds'), tlsDefault);
    const destFlags = withTlsDefault(readSideOptions(opts, 'dest-', 'dcreds'), tlsDefault);

    sources = await openSources(src.transport, src.location, {
      registries,
      flagsEndpoint: () => endpointFromFlags('src', srcFlags, factories, authfile),
    });
    destination = await openDestination(dst.transport, dst.location, {
      registries,
      endpoint: () => endpointFromFlags('dest', destFlags, factories, authfile),
      dryRun,
    });
    const opened = destination;
    const { items, failures } = await collectItems(sources.repositories, {
      keepGoing: opts.keepGoing === true,
      prefix: opened.prefix,
      scoped: opts.scoped === true,
      lastComponent: opened.lastComponent,
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
        admit: syncAdmission(policy, src),
        afterCopy: signing && signSynced(signing),
        conversion,
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
    else if (!quiet || summary.counts.failed > 0)
      io.stderr.write(summaryText(summary, sources.repositories.length));
    return summary.counts.failed > 0 || summary.counts['not-started'] > 0 ? ExitCode.Failed : ExitCode.Ok;
  } catch (err) {
    const { exitCode, message } = reportError(err, 'sync: ', globals);
    io.stderr.write(`${message}\n`);
    return exitCode;
  } finally {
    if (!committed) await destination?.close(false).catch(() => undefined);
    await sources?.close().catch(() => undefined);
    await registries.destroy();
  }
}

/** Signs each image at its destination, naming its destination tag (or digest) as skopeo sync does. */
function signSynced(signing: SigningKey) {
  return async (item: SyncItem, digest: string, signal?: AbortSignal): Promise<void> => {
    const name = `${item.destination.registry}/${item.destination.name}`;
    const identity =
      item.destinationTag === undefined ? `${name}@${digest}` : `${name}:${item.destinationTag}`;
    const { signImage } = await import('../../signature/sign-image.ts');
    await signImage(item.destination as Repository, digest, {
      privateKey: signing.privateKey,
      identity,
      creator: `ferry ${VERSION}`,
      signal,
    });
  };
}

/**
 * Each image is judged under its own scope: a registry source as `docker://host/repo:tag`, a layout
 * source as the layout path (the policy scope of oci:/oci-archive: is the path, not the image name).
 */
function syncAdmission(
  loaded: LoadedPolicy,
  src: { transport: SourceTransport; location: string },
): SyncAdmit {
  const subjectOf = (item: SyncItem): SubjectReference => {
    const reference = isDigest(item.reference) ? { digest: item.reference } : { tag: item.reference };
    if (src.transport === 'docker' || src.transport === 'yaml') {
      return {
        transport: 'docker',
        ref: { registry: item.source.registry, repository: item.source.name, ...reference },
      };
    }
    return { transport: src.transport, path: src.location, refName: `${item.source.name}:${item.reference}` };
  };
  return async (item, candidate, signal) => {
    const admit = await sourceAdmission(loaded, subjectOf(item), item.source);
    await admit?.(candidate, signal);
  };
}
