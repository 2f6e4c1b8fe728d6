import { NotFoundError } from '../../errors/kinds.ts';
import type { ImageReference } from '../../reference/image-reference.ts';
import { Registries } from '../../registry/registries.ts';
import { Repository } from '../../registry/repository.ts';
import { reportError } from '../error-report.ts';
import { endpointFromFlags } from '../flags/side-flags.ts';
import { readSideOptions, withTlsDefault } from '../flags/side-options.ts';
import type { GlobalOptions } from '../global-options.ts';
import { type CliIo, ExitCode } from '../io.ts';
import { keychainFactories } from '../keychain-factories.ts';
import { VERSION } from '../version.ts';
import { dockerSide } from './docker-side.ts';

/**
 * The frame of the docker://-only single-image commands (list-tags, digest, delete): parse the argument
 * and the unprefixed credential/TLS flags, open the repository, run `body`, report errors as one line
 * with the right exit code, and release the connection pools.
 */
export async function runSingle(
  command: string,
  arg: string,
  opts: Record<string, unknown>,
  io: CliIo,
  globals: GlobalOptions,
  body: (ref: ImageReference, repo: Repository) => Promise<void>,
  options: { access?: 'pull' | 'delete' } = {},
): Promise<number> {
  const registries = new Registries({
    retryTimes: opts.retryTimes as number,
    userAgent: `ferry/${VERSION}`,
    env: io.env,
  });
  try {
    const ref = dockerSide(arg, 'image');
    const endpoint = await endpointFromFlags(
      'src',
      withTlsDefault(readSideOptions(opts, ''), globals.tlsVerify),
      keychainFactories(io),
      undefined,
    );
    const repo =
      options.access === 'delete'
        ? // containers/image asks for `repository:NAME:*` to delete (docker_image.go deleteImage);
          // distribution's token auth wants the "delete" action, which "*" includes.
          new Repository(await registries.transport(endpoint, ref.registry), ref.repository, {
            push: true,
            scopes: [`repository:${ref.repository}:*`],
          })
        : await registries.repository(endpoint, ref.registry, ref.repository, false);
    await body(ref, repo);
    return ExitCode.Ok;
  } catch (err) {
    const { exitCode, message } = reportError(err, `${command} ${arg}: `, globals);
    io.stderr.write(`${message}\n`);
    return exitCode;
  } finally {
    await registries.destroy();
  }
}

/**
 * A manifest GET/HEAD answered 404. Worded as skopeo prints it (containers/image "reading manifest
 * REF in REPO: " + the registry's errcode text, which for a 404 on a manifest is MANIFEST_UNKNOWN,
 * "manifest unknown: manifest unknown" — distribution spec, "Pulling manifests"), since scripts
 * match that text.
 */
export function manifestUnknown(reference: string, repository: string): NotFoundError {
  return new NotFoundError(
    `reading manifest ${reference} in ${repository}: manifest unknown: manifest unknown`,
  );
}
