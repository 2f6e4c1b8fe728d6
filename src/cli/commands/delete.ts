/**
 * `ferry delete docker://REF` (skopeo delete): the manifest is looked up first, so a tag is resolved to
 * the digest it points at and a missing image fails with "manifest unknown", then deleted by digest
 * (`DELETE /v2/NAME/manifests/DIGEST`, distribution spec "Deleting manifests"). Like skopeo this
 * removes the manifest, and with it every tag pointing at it; blobs are left to the registry's
 * garbage collection.
 */
import type { Command } from 'commander';
import type { CommandResult } from '../command-result.ts';
import { parseCount } from '../flags/bool-flags.ts';
import { addRefusedOptions } from '../flags/refused-options.ts';
import { addSideOptions } from '../flags/side-options.ts';
import { readGlobalOptions } from '../global-options.ts';
import type { CliIo } from '../io.ts';
import { manifestUnknown, runSingle } from './single-side.ts';

export function registerDelete(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('delete')
    .description('Delete an image manifest (and so its tags) from a registry (like skopeo delete)')
    .argument('<image>', 'e.g. docker://registry.example/team/app:1.2 or …/app@sha256:…');
  addSideOptions(cmd, '', 'registry');
  addRefusedOptions(cmd, 'delete');
  cmd
    .option('--retry-times <n>', 'retries for temporary failures', parseCount, 3)
    .action(async (arg: string, opts: Record<string, unknown>, command: Command) => {
      result.exitCode = await runSingle(
        'delete',
        arg,
        opts,
        io,
        readGlobalOptions(command),
        async (ref, repo) => {
          const reference = ref.digest ?? ref.tag ?? 'latest';
          // GET, not HEAD (as containers/image does): a refusal then carries the registry's error body.
          const manifest = await repo.getManifest(reference);
          if (!manifest) throw manifestUnknown(reference, `${ref.registry}/${ref.repository}`);
          await repo.deleteManifest(manifest.digest);
        },
        { access: 'delete' },
      );
    });
}
