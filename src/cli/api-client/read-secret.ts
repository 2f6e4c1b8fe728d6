/**
 * Secrets for `ferry trigger` and the operator commands come from a file or an environment variable,
 * never from argv: the process list, shell history and CI "command echo" all show arguments (the seed
 * pipeline leaked its tokens exactly that way). Errors name the flag, file or variable, never the value or any part of it.
 */

import { describeReadError, readSmallFile } from '../../auth/read-small-file.ts';
import { BadUsageError } from '../../errors/kinds.ts';

/** Webhook secrets and API tokens are a few hundred bytes; anything near this is the wrong file. */
const MAX_SECRET_BYTES = 64 * 1024;

export interface SecretSource {
  /** `--secret-file` value, when given (wins over the variable). */
  readonly file?: string | undefined;
  /** The flag's name for messages, e.g. `--secret-file`. */
  readonly fileFlag: string;
  /** Variable consulted when no file is given, e.g. `FERRY_WEBHOOK_SECRET`. */
  readonly envName: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The secret without surrounding whitespace (files written with `echo` end in a newline; whitespace is
 * never part of a key), or undefined when neither source is set.
 */
export async function readSecret(source: SecretSource): Promise<string | undefined> {
  if (source.file !== undefined) {
    if (source.file === '') throw new BadUsageError(`${source.fileFlag} is empty: pass the path of a file`);
    let bytes: Uint8Array;
    try {
      bytes = await readSmallFile(source.file, MAX_SECRET_BYTES);
    } catch (err) {
      throw new BadUsageError(
        `${source.fileFlag} ${JSON.stringify(source.file)}: cannot read it: ${describeReadError(err)}`,
        { cause: err },
      );
    }
    const value = Buffer.from(bytes).toString('utf8').trim();
    if (value === '') throw new BadUsageError(`${source.fileFlag} ${JSON.stringify(source.file)} is empty`);
    return value;
  }
  const raw = source.env[source.envName];
  if (raw === undefined) return undefined;
  const value = raw.trim();
  if (value === '') throw new BadUsageError(`environment variable ${source.envName} is set but empty`);
  return value;
}
