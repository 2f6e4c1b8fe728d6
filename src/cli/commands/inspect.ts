import type { Command } from 'commander';
import { ErrorCode } from '../../errors/codes.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import { BadUsageError, NotFoundError } from '../../errors/kinds.ts';
import type { ImageManifest } from '../../oci/manifest.ts';
import { parsePlatform, platformMatches } from '../../oci/platform.ts';
import { parseTransportReference } from '../../reference/parse-transport-reference.ts';
import { Registries } from '../../registry/registries.ts';
import { RegistryError } from '../../registry/registry-error.ts';
import type { CommandResult } from '../command-result.ts';
import { reportError } from '../error-report.ts';
import { parseBool, parseCount, pflagBoolOption } from '../flags/bool-flags.ts';
import { addRefusedOptions } from '../flags/refused-options.ts';
import { endpointFromFlags } from '../flags/side-flags.ts';
import { addSideOptions, readSideOptions, withTlsDefault } from '../flags/side-options.ts';
import { type GlobalOptions, readGlobalOptions } from '../global-options.ts';
import { type CliIo, ExitCode } from '../io.ts';
import { keychainFactories } from '../keychain-factories.ts';
import { compileSkopeoFormat, isJsonFormat } from '../output/go-template/skopeo-format.ts';
import { VERSION } from '../version.ts';
import {
  configGoValue,
  configJson,
  goJsonIndent,
  type ImageConfigJson,
  inspectGoValue,
  inspectJson,
} from './inspect-output.ts';
import { type InspectSource, openInspectSource } from './inspect-source.ts';
import { manifestUnknown } from './single-side.ts';

export function registerInspect(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('inspect')
    .description("Show an image's digest, tags, platform, layers and config (JSON, like skopeo inspect)")
    .argument('<image>', 'e.g. docker://registry.example/team/app:1.2');
  addSideOptions(cmd, '', 'image');
  addRefusedOptions(cmd, 'inspect');
  cmd
    .option('--raw <bool>', 'print the manifest exactly as the registry returned it', parseBool)
    .option('--config <bool>', 'print the image config', parseBool)
    .option(
      '-f, --format <template>',
      'Go template for the output, e.g. "{{.Digest}}" or \'{{index .Labels "version"}}\' (see docs/skopeo-compatibility.md)',
    )
    .addOption(pflagBoolOption('-n, --no-tags <bool>', 'do not list the repository tags (RepoTags is [])'))
    .option('--retry-times <n>', 'retries for temporary failures', parseCount, 3)
    .action(async (arg: string, opts: Record<string, unknown>, command: Command) => {
      const globals = readGlobalOptions(command);
      result.exitCode = await runInspect(arg, opts, globals, io);
    });
}

/** The frame of `inspect`: open the source (any transport copy reads), inspect it, report errors. */
async function runInspect(
  arg: string,
  opts: Record<string, unknown>,
  globals: GlobalOptions,
  io: CliIo,
): Promise<number> {
  const registries = new Registries({
    retryTimes: opts.retryTimes as number,
    userAgent: `ferry/${VERSION}`,
    env: io.env,
  });
  let source: InspectSource | undefined;
  try {
    const ref = parseTransportReference(arg);
    source = await openInspectSource(ref, registries, () =>
      endpointFromFlags(
        'src',
        withTlsDefault(readSideOptions(opts, ''), globals.tlsVerify),
        keychainFactories(io),
        undefined,
      ),
    );
    await inspect(source, opts, globals, io);
    return ExitCode.Ok;
  } catch (err) {
    const { exitCode, message } = reportError(err, `inspect ${arg}: `, globals);
    io.stderr.write(`${message}\n`);
    return exitCode;
  } finally {
    await source?.close().catch(() => undefined);
    await registries.destroy();
  }
}

async function inspect(
  source: InspectSource,
  opts: Record<string, unknown>,
  globals: GlobalOptions,
  io: CliIo,
): Promise<void> {
  const format = typeof opts.format === 'string' ? opts.format : '';
  const raw = opts.raw === true;
  // skopeo: "raw output does not support format option".
  if (raw && format !== '') throw new BadUsageError('--raw does not support --format');
  // Checked before any request: a bad template is bad input (exit 2), not a failed inspect.
  const template = format === '' || isJsonFormat(format) ? undefined : compileSkopeoFormat(format);
  const { reference } = source;
  const notFound = (what: string) =>
    source.name
      ? manifestUnknown(what, source.name)
      : new NotFoundError(`no descriptor found for reference ${JSON.stringify(what)}`); // containers/image layout wording
  const top = await source.source.getManifest(reference);
  if (!top) throw notFound(reference);
  if (raw && opts.config !== true) {
    io.stdout.write(Buffer.from(top.parsed.bytes));
    return;
  }
  let image: ImageManifest;
  if (top.parsed.kind === 'index') {
    const hostArch = process.arch === 'x64' ? 'amd64' : process.arch;
    const os = globals.overrideOs ?? 'linux';
    const arch = globals.overrideArch ?? hostArch;
    const spec = parsePlatform([os, arch, globals.overrideVariant].filter(Boolean).join('/'));
    const entry = top.parsed.manifest.manifests.find((d) => platformMatches(spec, d.platform));
    if (!entry) {
      // skopeo's wording (containers/image manifest list/OCI index ChooseInstance), which scripts match.
      const list = top.parsed.mediaType.includes('docker') ? 'manifest list' : 'image index';
      throw new FerryError(
        ErrorCode.NoMatchingPlatform,
        `parsing manifest for image: choosing image instance: no image found in ${list} for architecture ${arch}, variant ${JSON.stringify(globals.overrideVariant ?? '')}, OS ${os}`,
      );
    }
    const child = await source.source.getManifest(entry.digest);
    if (child?.parsed.kind !== 'image') throw notFound(entry.digest);
    image = child.parsed.manifest;
  } else {
    image = top.parsed.manifest;
  }
  const configBytes = await source.readBlob(image.config);
  const config = JSON.parse(configBytes.toString('utf8')) as ImageConfigJson;
  if (opts.config === true) {
    if (raw) io.stdout.write(configBytes);
    else if (template) io.stdout.write(template(configGoValue(config)));
    else io.stdout.write(`${goJsonIndent(configJson(config))}\n`);
    return;
  }
  const input = {
    name: source.name,
    digest: top.digest,
    repoTags:
      opts.noTags === true || !source.listTags ? [] : await listTagsUnlessRefused(source.listTags, io),
    manifest: image,
    config,
  };
  if (template) io.stdout.write(template(inspectGoValue(input)));
  else io.stdout.write(`${goJsonIndent(inspectJson(input))}\n`);
}

/**
 * skopeo inspect carries on without tags when the registry refuses to list them (401/403: ECR
 * without ecr:ListImages, IBM Cloud), with a warning.
 */
async function listTagsUnlessRefused(listTags: () => Promise<string[]>, io: CliIo): Promise<string[]> {
  try {
    return await listTags();
  } catch (err) {
    if (err instanceof RegistryError && (err.status === 401 || err.status === 403)) {
      io.stderr.write('ferry: warning: registry disallows tag list retrieval; skipping\n');
      return [];
    }
    throw err;
  }
}
