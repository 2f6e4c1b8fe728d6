import type { ImageReference } from '../../reference/image-reference.ts';
import type { Registries } from '../../registry/registries.ts';
import type { Repository } from '../../registry/repository.ts';
import { endpointFromFlags } from '../flags/side-flags.ts';
import { readSideOptions } from '../flags/side-options.ts';
import type { CliIo } from '../io.ts';
import { keychainFactories } from '../keychain-factories.ts';
import { dockerSide } from './docker-side.ts';

/** Resolve a single-image command's argument and flags to a repository handle (read-only scope). */
export async function openSingle(
  arg: string,
  opts: Record<string, unknown>,
  io: CliIo,
  registries: Registries,
): Promise<{ ref: ImageReference; repo: Repository }> {
  const ref = dockerSide(arg, 'image');
  const endpoint = await endpointFromFlags(
    'src',
    readSideOptions(opts, ''),
    keychainFactories(io),
    undefined,
  );
  const repo = await registries.repository(endpoint, ref.registry, ref.repository, false);
  return { ref, repo };
}
