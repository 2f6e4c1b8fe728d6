/**
 * Secrets in ferry.yaml are references (`{ file: … }`, `{ env: … }`), so the file itself can live in a
 * ConfigMap or a git repository. They are resolved at *use* time: a file is read again on every call,
 * because Kubernetes updates mounted Secrets (and rotates projected tokens) in place and a long-running
 * server must pick up the new value without a restart. An inline `{ value: … }` exists for local
 * experiments; the loader warns about it.
 *
 * Failures name the file or variable, never the value (not even a prefix: half a secret is a secret).
 */
import { ConfigError } from './config-error.ts';
import { describeReadError, type ReadFile, readSmallFile } from './read-small-file.ts';
import type { SecretRef } from './schema.ts';

/** Webhook secrets, tokens and database URLs are a few hundred bytes; anything near this is the wrong file. */
export const MAX_SECRET_BYTES = 64 * 1024;

export type Env = Readonly<Record<string, string | undefined>>;

export interface ResolveSecretOptions {
  readonly env: Env;
  /** Default: a bounded read from the file system. */
  readonly readFile?: ReadFile | undefined;
  /** Key path of the reference in ferry.yaml, for the error (e.g. `triggers.github.secrets[0]`). */
  readonly key?: string | undefined;
}

/**
 * The secret's current value, without surrounding whitespace (files written with `echo` or edited by
 * hand end in a newline, and whitespace is never part of a token or HMAC key). Throws ConfigError if the
 * source is missing, unreadable or empty.
 */
export async function resolveSecret(ref: SecretRef, options: ResolveSecretOptions): Promise<string> {
  const fail = (message: string, cause?: unknown): ConfigError =>
    new ConfigError([{ path: options.key ?? '', message }], cause === undefined ? {} : { cause });
  if ('value' in ref) return ref.value;
  if ('env' in ref) {
    const value = options.env[ref.env]?.trim();
    if (value === undefined) throw fail(`environment variable ${ref.env} is not set`);
    if (value === '') throw fail(`environment variable ${ref.env} is empty`);
    return value;
  }
  let bytes: Uint8Array;
  try {
    bytes = await (options.readFile ?? ((path) => readSmallFile(path, MAX_SECRET_BYTES)))(ref.file);
  } catch (err) {
    // The cause is an fs error (path and errno only), safe to keep for diagnostics.
    throw fail(`cannot read secret file ${ref.file}: ${describeReadError(err)}`, err);
  }
  if (bytes.length > MAX_SECRET_BYTES) {
    throw fail(`secret file ${ref.file} is larger than ${MAX_SECRET_BYTES} bytes; is it the right file?`);
  }
  const value = Buffer.from(bytes).toString('utf8').trim();
  if (value === '') throw fail(`secret file ${ref.file} is empty`);
  return value;
}

/** Where a secret reference points, for messages: the file or variable, never the value. */
export function describeSecretRef(ref: SecretRef): string {
  if ('file' in ref) return ref.file;
  if ('env' in ref) return `(environment variable ${ref.env})`;
  return '(inline value)';
}
