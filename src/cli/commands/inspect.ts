import type { Command } from 'commander';
import { NotFoundError } from '../../errors/kinds.ts';
import type { Descriptor, ImageManifest } from '../../oci/manifest.ts';
import { parsePlatform, platformMatches } from '../../oci/platform.ts';
import { parseBool, parseCount } from '../flags/bool-flags.ts';
import { addSideOptions } from '../flags/side-options.ts';
import type { CliIo } from '../io.ts';
import type { CommandResult } from '../program.ts';
import { runSingle } from './single-side.ts';

interface ImageConfig {
  created?: string;
  docker_version?: string;
  architecture?: string;
  os?: string;
  variant?: string;
  config?: { Labels?: Record<string, string> | null; Env?: string[] | null };
}

export function registerInspect(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('inspect')
    .description("Show an image's digest, tags, platform, layers and config (JSON, like skopeo inspect)")
    .argument('<image>', 'e.g. docker://registry.example/team/app:1.2');
  addSideOptions(cmd, '', 'image');
  cmd
    .option('--raw <bool>', 'print the manifest exactly as the registry returned it', parseBool)
    .option('--config <bool>', 'print the image config', parseBool)
    .option('--no-tags <bool>', 'do not list the repository tags', parseBool)
    .option('--override-os <os>', 'platform to inspect in an index (default: linux)')
    .option('--override-arch <arch>', "platform to inspect in an index (default: this host's)")
    .option('--override-variant <variant>', 'platform variant to inspect in an index')
    .option('--retry-times <n>', 'retries for temporary failures', parseCount, 3)
    .action(async (arg: string, opts: Record<string, unknown>) => {
      result.exitCode = await runInspect(arg, opts, io);
    });
}

async function runInspect(arg: string, opts: Record<string, unknown>, io: CliIo): Promise<number> {
  return runSingle('inspect', arg, opts, io, async (ref, repo) => {
    const reference = ref.digest ?? ref.tag ?? 'latest';
    const top = await repo.getManifest(reference);
    if (!top) throw new NotFoundError(`${arg} not found`);
    if (opts.raw === true && opts.config !== true) {
      io.stdout.write(Buffer.from(top.parsed.bytes));
      return;
    }
    let image: ImageManifest;
    if (top.parsed.kind === 'index') {
      const hostArch = process.arch === 'x64' ? 'amd64' : process.arch;
      const spec = parsePlatform(
        [opts.overrideOs ?? 'linux', opts.overrideArch ?? hostArch, opts.overrideVariant]
          .filter(Boolean)
          .join('/'),
      );
      const entry = top.parsed.manifest.manifests.find((d) => platformMatches(spec, d.platform));
      if (!entry) throw new NotFoundError(`${arg} has no image for ${spec.os}/${spec.architecture}`);
      const child = await repo.getManifest(entry.digest);
      if (child?.parsed.kind !== 'image')
        throw new NotFoundError(`${arg}: index entry ${entry.digest} not found`);
      image = child.parsed.manifest;
    } else {
      image = top.parsed.manifest;
    }
    const configBytes = await repo.getBlobBytes(image.config);
    if (opts.config === true) {
      io.stdout.write(
        opts.raw === true
          ? configBytes
          : `${JSON.stringify(JSON.parse(configBytes.toString('utf8')), null, 4)}\n`,
      );
      return;
    }
    const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
    const tags = opts.tags === false ? [] : await repo.listTags();
    const out = {
      Name: `${ref.registry}/${ref.repository}`,
      Digest: top.digest,
      RepoTags: tags,
      Created: config.created,
      DockerVersion: config.docker_version ?? '',
      Labels: config.config?.Labels ?? null,
      Architecture: config.architecture,
      Os: config.os,
      ...(config.variant ? { Variant: config.variant } : {}),
      Layers: image.layers.map((l) => l.digest),
      LayersData: image.layers.map((l: Descriptor) => ({
        MIMEType: l.mediaType,
        Digest: l.digest,
        Size: l.size,
        Annotations: l.annotations ?? null,
      })),
      Env: config.config?.Env ?? null,
    };
    io.stdout.write(`${JSON.stringify(out, null, 4)}\n`);
  });
}
