/**
 * skopeo 1.9's sigstore signing options of `copy` and `sync`: `--sign-by-sigstore-private-key FILE`
 * (a cosign encrypted key), `--sign-passphrase-file FILE` (its first line, without the newline, as
 * containers/image pkg/cli ReadPassphraseFile reads it; an empty line is the empty passphrase) and, on
 * copy, `--sign-identity REF`.
 *
 * Differences from skopeo, all in the direction of refusing early:
 * - The key is read and decrypted before anything is copied, so a wrong passphrase or a bad key file
 *   exits 2 with nothing written (skopeo signs after writing the manifest, so the destination tag is
 *   already there, unsigned, when the key fails).
 * - No prompt: without `--sign-passphrase-file` the copy is refused (skopeo prompts on a terminal and
 *   fails with "standard input is not a TTY" otherwise, which is every pipeline).
 * - `--sign-passphrase-file` or `--sign-identity` without a key is refused (skopeo ignores them and
 *   copies without signing).
 * The passphrase and key bytes stay in memory only; messages name the files, never their content.
 */
import type { KeyObject } from 'node:crypto';
import { type Command, Option } from 'commander';
import { readBoundedFile } from '../../auth/read-bounded-file.ts';
import { BadUsageError } from '../../errors/kinds.ts';
import { describeReadError } from '../../policy/describe-read-error.ts';
import { formatReference } from '../../reference/format-reference.ts';
import { tryParseReference } from '../../reference/parse-reference.ts';
import { SigningKeyError } from '../../signature/signing-key-error.ts';

/** A key file is a few hundred bytes; a passphrase a line. */
const MAX_KEY_FILE_BYTES = 64 * 1024;
const MAX_PASSPHRASE_FILE_BYTES = 64 * 1024;

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly keyFile: string;
  /** `--sign-identity`, canonical; undefined: the destination reference. */
  readonly identity: string | undefined;
}

export function addSigningOptions(cmd: Command, options: { identity: boolean }): Command {
  cmd
    .option(
      '--sign-by-sigstore-private-key <path>',
      'sign the destination with this cosign private key (cosign generate-key-pair / ferry generate-sigstore-key): a `sha256-<digest>.sig` signature, as skopeo writes it',
    )
    .option(
      '--sign-passphrase-file <path>',
      "read the private key's passphrase from the first line of this file",
    );
  if (options.identity) {
    cmd.addOption(
      new Option(
        '--sign-identity <reference>',
        'docker reference the signature names (fully qualified, with tag or digest); default: the destination',
      ),
    );
  }
  return cmd;
}

/** The decrypted key and identity, or undefined when no signing was asked for. */
export async function readSigningOptions(opts: Record<string, unknown>): Promise<SigningKey | undefined> {
  const keyFile = opts.signBySigstorePrivateKey as string | undefined;
  const passphraseFile = opts.signPassphraseFile as string | undefined;
  const identityArg = opts.signIdentity as string | undefined;
  if (keyFile === undefined) {
    if (passphraseFile !== undefined || identityArg !== undefined) {
      const flag = passphraseFile !== undefined ? '--sign-passphrase-file' : '--sign-identity';
      throw new BadUsageError(
        `${flag} needs --sign-by-sigstore-private-key (ferry signs only with a sigstore key)`,
      );
    }
    return undefined;
  }
  const identity = identityArg === undefined ? undefined : parseSignIdentity(identityArg);
  if (passphraseFile === undefined) {
    throw new BadUsageError(
      `--sign-by-sigstore-private-key ${keyFile} needs --sign-passphrase-file: ferry does not prompt for the passphrase`,
    );
  }
  const passphrase = await readPassphraseFile(passphraseFile);
  const pem = await readSmall(keyFile, MAX_KEY_FILE_BYTES, 'private key');
  // Loaded only when signing: the cipher is not on a plain copy's path.
  const { CosignKeyFormatError, decryptCosignPrivateKey } = await import(
    '../../signature/cosign-private-key.ts'
  );
  try {
    return { privateKey: await decryptCosignPrivateKey(pem, passphrase), keyFile, identity };
  } catch (err) {
    if (err instanceof CosignKeyFormatError) {
      throw new SigningKeyError(keyFile, `cannot use the sigstore private key: ${err.message}`);
    }
    throw err;
  } finally {
    passphrase.fill(0);
    pem.fill(0);
  }
}

/** containers/image reference.ParseNamed, then "must be a fully specified reference". */
function parseSignIdentity(value: string): string {
  const parsed = tryParseReference(value);
  if (!parsed.ok)
    throw new BadUsageError(`Could not parse --sign-identity ${JSON.stringify(value)}: ${parsed.reason}`);
  if (formatReference(parsed.ref) !== value) {
    throw new BadUsageError(
      `Could not parse --sign-identity ${JSON.stringify(value)}: repository name must be canonical (${formatReference(parsed.ref)})`,
    );
  }
  if (parsed.ref.tag === undefined && parsed.ref.digest === undefined) {
    throw new BadUsageError(`Sign identity must be a fully specified reference ${value}`);
  }
  return value;
}

/** containers/image pkg/cli ReadPassphraseFile: the first line, without its newline. */
export async function readPassphraseFile(path: string): Promise<Buffer> {
  return firstLine(await readSmall(path, MAX_PASSPHRASE_FILE_BYTES, 'passphrase file'));
}

async function readSmall(path: string, limit: number, what: string): Promise<Buffer> {
  try {
    const { bytes, tooLarge } = await readBoundedFile(path, limit);
    if (tooLarge) throw Object.assign(new Error('too large'), { code: 'EFBIG' });
    return bytes;
  } catch (err) {
    throw new SigningKeyError(path, `cannot read ${what}: ${describeReadError(err)}`);
  }
}

/** The bytes up to the first newline (gpg's and containers/image's rule); the rest is ignored. */
function firstLine(bytes: Buffer): Buffer {
  const newline = bytes.indexOf(0x0a);
  const line = Buffer.from(newline === -1 ? bytes : bytes.subarray(0, newline));
  bytes.fill(0);
  return line;
}
