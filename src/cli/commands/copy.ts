import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { copyImage } from '../../copy/execute.ts';
import { BadUsageError } from '../../errors/kinds.ts';
import { type PlatformSpec, parsePlatform } from '../../oci/platform.ts';
import { loadPolicy } from '../../policy/load-policy.ts';
import { sourceAdmission } from '../../policy/policy-admission.ts';
import { formatReference } from '../../reference/format-reference.ts';
import type { ImageReference, TransportReference } from '../../reference/image-reference.ts';
import { tryParseReference, withDefaultTag } from '../../reference/parse-reference.ts';
import { parseTransportReference } from '../../reference/parse-transport-reference.ts';
import { Registries } from '../../registry/registries.ts';
import type { Repository } from '../../registry/repository.ts';
import type { CommandResult } from '../command-result.ts';
import { reportError } from '../error-report.ts';
import { collect, parseBool, parseCount } from '../flags/bool-flags.ts';
import { addConversionOptions, readConversionOptions } from '../flags/conversion-flags.ts';
import { readPolicyOptions } from '../flags/policy-options.ts';
import { addRefusedOptions } from '../flags/refused-options.ts';
import { endpointFromFlags } from '../flags/side-flags.ts';
import { addSideOptions, readSideOptions, withTlsDefault } from '../flags/side-options.ts';
import { addSigningOptions, readSigningOptions, type SigningKey } from '../flags/signing-options.ts';
import { type GlobalOptions, readGlobalOptions } from '../global-options.ts';
import { type CliIo, ExitCode } from '../io.ts';
import { keychainFactories } from '../keychain-factories.ts';
import { createMemoryGuard } from '../memory-guard.ts';
import { formatBytes } from '../output/format-bytes.ts';
import { progressFor } from '../output/progress-for.ts';
import { skopeoCopyLines } from '../output/skopeo-copy-lines.ts';
import { VERSION } from '../version.ts';
import { type OpenedSide, openDestinationSide, openSourceSide } from './copy-side.ts';

export function registerCopy(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('copy')
    .description(
      'Copy an image (the whole index by default, digest preserved) from SRC to DST; the source must satisfy ' +
        'the containers signature policy (policy.json), as with skopeo',
    )
    .argument(
      '<src>',
      'source: docker://registry.example/team/app:1.2, oci:DIR[:NAME], oci-archive:FILE[:NAME], dir:DIR, docker-archive:FILE[:NAME:TAG|:@N]',
    )
    .argument(
      '<dst>',
      'destination: docker://prod.example/team/app:1.2, oci:DIR[:NAME], oci-archive:FILE[:NAME], dir:DIR, docker-archive:FILE[:NAME:TAG]',
    );
  addSideOptions(cmd, 'src-', 'source', 'screds');
  addSideOptions(cmd, 'dest-', 'destination', 'dcreds');
  addConversionOptions(cmd, { compression: true });
  addSigningOptions(cmd, { identity: true });
  addRefusedOptions(cmd, 'copy');
  cmd
    .addOption(
      new Option('--tls-verify <bool>', 'deprecated: use --src-tls-verify / --dest-tls-verify')
        .argParser(parseBool)
        .hideHelp(),
    )
    .option(
      '--authfile <path>',
      'auth file for both registries (default: REGISTRY_AUTH_FILE, containers auth.json, docker config)',
    )
    .option('--retry-times <n>', 'retries for temporary failures (network, 408/429/5xx)', parseCount, 3)
    .option('--image-parallel-copies <n>', 'blobs copied in parallel', parseCount, 6)
    .option(
      '--platform <os/arch[/variant]>',
      'copy only this platform of an index (repeatable); changes the digest',
      collect,
    )
    .option(
      '-a, --all <bool>',
      "copy all platforms (the default; with --format/--dest-compress* or to docker-archive:, as in skopeo, only this host's platform unless --all)",
      parseBool,
    )
    .addOption(
      new Option('--multi-arch <mode>', 'skopeo compatibility').choices(['all', 'system', 'index-only']),
    )
    .option('--src-shared-blob-dir <dir>', 'oci: source: blobs are in this shared directory')
    .option('--dest-shared-blob-dir <dir>', 'oci: destination: store blobs in this shared directory')
    .option(
      '--additional-tag <name:tag>',
      'docker-archive destination: also record this tag in the archive (repeatable, comma-separated)',
      collect,
    )
    .option('--no-signatures', 'do not copy cosign signatures/attestations/SBOMs and OCI referrers')
    .option('--remove-signatures <bool>', 'skopeo compatibility: same as --no-signatures', parseBool)
    .option(
      '--preserve-digests <bool>',
      'refuse a --format/--dest-compress* conversion that would change a digest (digests are preserved otherwise)',
      parseBool,
    )
    .option(
      '--chunk-size <bytes>',
      'upload in chunks of this many bytes (for registries that refuse monolithic uploads)',
      parseCount,
    )
    .option('-q, --quiet <bool>', 'print nothing but errors', parseBool)
    .option('--json', 'print a machine-readable summary on standard output')
    .option('--digestfile <path>', 'write the digest of the copied manifest to this file')
    .action(async (src: string, dst: string, opts: Record<string, unknown>, command: Command) => {
      // The platform overrides are skopeo global options (`skopeo --override-arch arm64 copy …`).
      const globals = readGlobalOptions(command);
      const withGlobals = {
        ...opts,
        overrideOs: globals.overrideOs,
        overrideArch: globals.overrideArch,
        overrideVariant: globals.overrideVariant,
      };
      result.exitCode = await runCopy(src, dst, withGlobals, io, globals);
    });
}

function selectedPlatforms(opts: Record<string, unknown>): PlatformSpec[] | undefined {
  const list = ((opts.platform as string[] | undefined) ?? []).map(parsePlatform);
  const os = opts.overrideOs as string | undefined;
  const arch = opts.overrideArch as string | undefined;
  const variant = opts.overrideVariant as string | undefined;
  if (opts.multiArch === 'index-only') {
    throw new BadUsageError(
      '--multi-arch=index-only is not supported: ferry copies the index with its images',
    );
  }
  if (os || arch || variant || opts.multiArch === 'system') {
    if (list.length > 0)
      throw new BadUsageError('--platform cannot be combined with --override-* or --multi-arch=system');
    const hostArch = process.arch === 'x64' ? 'amd64' : process.arch;
    list.push(parsePlatform([os ?? 'linux', arch ?? hostArch, variant].filter(Boolean).join('/')));
  }
  if (list.length > 0 && (opts.all === true || opts.multiArch === 'all')) {
    throw new BadUsageError('--all cannot be combined with a platform selection');
  }
  return list.length > 0 ? list : undefined;
}

/** `--additional-tag` values (skopeo's StringSlice: repeatable and comma-separated), each name:tag. */
function additionalTags(opts: Record<string, unknown>): ImageReference[] {
  const values = ((opts.additionalTag as string[] | undefined) ?? []).flatMap((v) => v.split(','));
  return values.map((value) => {
    const parsed = tryParseReference(value);
    if (!parsed.ok) throw new BadUsageError(`--additional-tag ${JSON.stringify(value)}: ${parsed.reason}`);
    if (parsed.ref.tag === undefined || parsed.ref.digest !== undefined) {
      throw new BadUsageError(
        `--additional-tag ${JSON.stringify(value)} must be a tagged reference (name:tag)`,
      );
    }
    return parsed.ref;
  });
}

/**
 * A docker-archive holds single images. Like skopeo, an index source gives the image for this host's
 * platform unless one platform is chosen; `--all` and several platforms are refused up front (skopeo:
 * "destination transport "docker-archive" does not support copying multiple images as a group").
 */
function singleImagePlatform(
  opts: Record<string, unknown>,
  platforms: PlatformSpec[] | undefined,
): PlatformSpec | undefined {
  if (opts.all === true || opts.multiArch === 'all') {
    throw new BadUsageError(
      'docker-archive: holds one image; --all / --multi-arch=all cannot be used (choose one platform with --platform)',
    );
  }
  if (platforms !== undefined && platforms.length > 1) {
    throw new BadUsageError('docker-archive: holds one image; give a single --platform');
  }
  if (platforms !== undefined) return undefined;
  return hostPlatform();
}

function hostPlatform(): PlatformSpec {
  const hostArch = process.arch === 'x64' ? 'amd64' : process.arch;
  return parsePlatform(`linux/${hostArch}`);
}

async function runCopy(
  srcArg: string,
  dstArg: string,
  opts: Record<string, unknown>,
  io: CliIo,
  globals: GlobalOptions,
): Promise<number> {
  const registries = new Registries({
    retryTimes: opts.retryTimes as number,
    userAgent: `ferry/${VERSION}`,
    env: io.env,
  });
  const quiet = opts.quiet === true;
  const json = opts.json === true;
  const opened: OpenedSide<unknown>[] = [];
  let committed = false;
  try {
    // As skopeo: the policy is loaded first, and a missing or invalid one stops the copy.
    const policy = await loadPolicy(readPolicyOptions(globals, io.env));
    const srcRef = parseTransportReference(srcArg);
    const dstRef = parseTransportReference(dstArg);
    // Before anything is copied: a bad key or passphrase must leave the destination untouched.
    const signing = await readSigningOptions(opts);
    const signer = signing && signerFor(signing, dstRef);
    const platforms = selectedPlatforms(opts);
    const read = readConversionOptions(opts, dstRef.transport);
    const { warnings } = read;
    let conversion = read.conversion;
    if (!quiet) for (const w of warnings) io.stderr.write(`Warning: ${w}\n`);
    const toArchive = dstRef.transport === 'docker-archive';
    // Whole index by default, digests preserved. Where the digest cannot be kept anyway (a conversion)
    // or the destination holds one image (docker-archive), skopeo's rule applies: this host's platform
    // unless --all (copy.CopySystemImage).
    const all = opts.all === true || opts.multiArch === 'all';
    const indexPlatform = toArchive
      ? singleImagePlatform(opts, platforms)
      : conversion && !all && platforms === undefined
        ? hostPlatform()
        : undefined;
    const extraTags = additionalTags(opts);
    if (extraTags.length > 0 && !toArchive && !quiet) {
      // skopeo accepts the flag for every destination and uses it only for docker-archive.
      io.stderr.write('Warning: --additional-tag only applies to docker-archive: destinations; ignored\n');
    }
    const factories = keychainFactories(io);
    const authfile = opts.authfile as string | undefined;
    // skopeo: a side's own --*-tls-verify, else the deprecated copy --tls-verify, else the global one.
    const tlsDefault = (opts.tlsVerify as boolean | undefined) ?? globals.tlsVerify;
    if (opts.tlsVerify !== undefined)
      io.stderr.write(
        "ferry: warning: '--tls-verify' is deprecated, instead use: --src-tls-verify, --dest-tls-verify\n",
      );
    const src = await openSourceSide(
      srcRef,
      registries,
      () =>
        endpointFromFlags(
          'src',
          withTlsDefault(readSideOptions(opts, 'src-', 'screds'), tlsDefault),
          factories,
          authfile,
        ),
      // Registries and OCI layouts get compressed layers, dir: and docker-archive: keep them as they are.
      {
        compressLayers: dstRef.transport !== 'dir' && dstRef.transport !== 'docker-archive',
        sharedBlobDir: sharedBlobDir(opts.srcSharedBlobDir, srcRef, 'src', io, quiet),
      },
    );
    opened.push(src);
    const dst = await openDestinationSide(
      dstRef,
      registries,
      () =>
        endpointFromFlags(
          'dest',
          withTlsDefault(readSideOptions(opts, 'dest-', 'dcreds'), tlsDefault),
          factories,
          authfile,
        ),
      {
        additionalTags: extraTags,
        sharedBlobDir: sharedBlobDir(opts.destSharedBlobDir, dstRef, 'dest', io, quiet),
      },
    );
    opened.push(dst);
    const admit = await sourceAdmission(policy, srcRef, src.repository);
    if (conversion && dst.digest) {
      // skopeo: "Destination specifies a digest" forbids changing the manifest.
      conversion = {
        ...conversion,
        preserveDigests: true,
        preserveDigestsReason: `the destination names digest ${dst.digest}`,
      };
    }
    const progress = quiet ? undefined : progressFor(io.stderr);
    // skopeo's own report lines on standard output, which scripts grep for.
    const lines = quiet || json ? undefined : skopeoCopyLines(io.stdout);
    // dir: and docker-archive: hold exactly one image (or one index): cosign signature tags and
    // referrers are separate images with nowhere to go. skopeo stores none there either (docker-archive
    // "Storing signatures for docker tar files is not supported"; dir: only simple-signing files).
    const singleImageDestination = dstRef.transport === 'dir' || dstRef.transport === 'docker-archive';
    const signatures = opts.signatures !== false && opts.removeSignatures !== true && !singleImageDestination;
    let copied: Awaited<ReturnType<typeof copyImage>>;
    try {
      copied = await copyImage({
        source: src.repository,
        sourceReference: src.reference ?? '',
        destination: dst.repository,
        destinationTag: dst.reference,
        platforms,
        indexPlatform,
        signatures,
        admit,
        parallel: Math.max(1, opts.imageParallelCopies as number),
        chunkSize: opts.chunkSize as number | undefined,
        forceChunked: opts.chunkSize !== undefined,
        onEvent:
          progress && lines
            ? (e) => {
                lines.onEvent(e);
                progress.onEvent(e);
              }
            : progress?.onEvent,
        onBytes: createMemoryGuard(),
        conversion,
      });
    } finally {
      progress?.finish();
    }
    if (dst.digest && dst.digest !== copied.digest) {
      throw new BadUsageError(
        `destination digest ${dst.digest} does not match the copied manifest ${copied.digest}`,
      );
    }
    let signed: { readonly signed: number; readonly alreadySigned: number } | undefined;
    if (signer) {
      lines?.signing();
      const results = await signer.sign(dst.repository as Repository, copied.digest);
      const added = results.filter((r) => r.added).length;
      signed = { signed: added, alreadySigned: results.length - added };
    }
    await dst.close(true);
    committed = true;
    lines?.finish();
    if (typeof opts.digestfile === 'string') await writeFile(opts.digestfile, copied.digest);
    if (json) {
      const summary = { source: srcArg, destination: dstArg, ...copied, ...signed };
      io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else if (!quiet) {
      const b = copied.bytes;
      io.stderr.write(
        `${copied.upToDate ? 'Up to date' : 'Copied'} ${dst.display}@${copied.digest} ` +
          `(${formatBytes(b.copied)} copied, ${formatBytes(b.mounted)} mounted, ${formatBytes(b.skipped)} already there` +
          `${copied.artifacts ? `, ${copied.artifacts} signatures/referrers` : ''}` +
          `${signed ? `, ${signed.signed} manifest(s) signed${signed.alreadySigned ? `, ${signed.alreadySigned} already signed by this key` : ''}` : ''}) in ${(copied.durationMs / 1000).toFixed(2)}s\n`,
      );
    }
    return ExitCode.Ok;
  } catch (err) {
    const { exitCode, message } = reportError(err, `copy ${srcArg} → ${dstArg}: `, globals);
    io.stderr.write(`${message}\n`);
    return exitCode;
  } finally {
    // Sources close (temp extraction removed); a destination archive not yet committed is discarded.
    for (const side of opened)
      if (!(committed && side === opened[1])) await side.close(false).catch(() => undefined);
    await registries.destroy();
  }
}

/**
 * Signatures are stored as `sha256-<digest>.sig` tags, so only a registry destination can hold them
 * (skopeo cannot store sigstore signatures in oci:, docker-archive: or dir: either).
 */
function signerFor(signing: SigningKey, dstRef: TransportReference) {
  if (dstRef.transport !== 'docker') {
    throw new BadUsageError(
      `--sign-by-sigstore-private-key: signatures can only be stored in a registry (a docker:// destination), not in ${dstRef.transport}:`,
    );
  }
  const identity = signing.identity ?? formatReference(withDefaultTag(dstRef.ref));
  return {
    sign: async (repository: Repository, digest: string) => {
      // Loaded only when signing: not on a plain copy's path (test/integration/cli-startup.test.ts).
      const { signImage } = await import('../../signature/sign-image.ts');
      return signImage(repository, digest, {
        privateKey: signing.privateKey,
        identity,
        creator: `ferry ${VERSION}`,
      });
    },
  };
}

/** skopeo applies a shared blob directory to `oci:` only and ignores it elsewhere; ferry says so. */
function sharedBlobDir(
  value: unknown,
  ref: TransportReference,
  side: 'src' | 'dest',
  io: CliIo,
  quiet: boolean,
): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (ref.transport === 'oci') return value;
  if (!quiet) io.stderr.write(`Warning: --${side}-shared-blob-dir only applies to oci: layouts; ignored\n`);
  return undefined;
}
