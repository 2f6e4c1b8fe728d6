import type { ImageReference } from '../../reference/image-reference.ts';
import { Registries } from '../../registry/registries.ts';
import type { Repository } from '../../registry/repository.ts';
import { reportError } from '../error-report.ts';
import { endpointFromFlags } from '../flags/side-flags.ts';
import { readSideOptions } from '../flags/side-options.ts';
import { type CliIo, ExitCode } from '../io.ts';
import { keychainFactories } from '../keychain-factories.ts';
import { VERSION } from '../version.ts';
import { dockerSide } from './docker-side.ts';

/**
 * The frame of every single-image command (inspect, list-tags, digest): parse the argument and the
 * unprefixed credential/TLS flags, open the repository read-only, run `body`, report errors as one line
 * with the right exit code, and release the connection pools.
 */
export async function runSingle(
  command: string,
  arg: string,
  opts: Record<string, unknown>,
  io: CliIo,
  body: (ref: ImageReference, repo: Repository) => Promise<void>,
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
      readSideOptions(opts, ''),
      keychainFactories(io),
      undefined,
    );
    const repo = await registries.repository(endpoint, ref.registry, ref.repository, false);
    await body(ref, repo);
    return ExitCode.Ok;
  } catch (err) {
    const { exitCode, message } = reportError(err, `${command} ${arg}: `);
    io.stderr.write(`${message}\n`);
    return exitCode;
  } finally {
    await registries.destroy();
  }
}
