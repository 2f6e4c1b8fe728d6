/**
 * Credentials from a token file, typically a mounted Kubernetes/OpenShift service-account token
 * (`/var/run/secrets/kubernetes.io/serviceaccount/token`, or a projected token). The token is the
 * password of a basic credential: OpenShift's integrated registry accepts any username with a
 * service-account token as the password, and the token exchange (`/openshift/token`) does the same.
 *
 * The file is read on *every* resolve(): kubelet rotates projected tokens in place (about hourly), and a
 * long copy must pick up the new one at its next token exchange. It is a small file, so this is cheap.
 * Give `registry` whenever one keychain may be asked about several registries, so a cluster token is
 * never offered to a third-party registry; without it the keychain answers for any registry and the
 * caller is responsible for scoping (e.g. one keychain per copy side).
 */

import { AuthConfigError } from './auth-error.ts';
import type { Credential, Keychain } from './credential.ts';
import { ANONYMOUS } from './credential.ts';
import { basicCredential } from './credential-values.ts';
import { readBoundedFile } from './read-bounded-file.ts';
import { registryMatcher } from './registry-key.ts';

/** Username sent with the token unless configured; the registry ignores it for SA tokens. */
export const DEFAULT_TOKEN_USERNAME = 'ferry';

/** Kubernetes tokens are a few KiB; anything this big is the wrong file, and we don't want it in memory. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

export interface TokenFileKeychainOptions {
  /** Registry host(s) the token is for; undefined = whatever registry the caller asks about. */
  readonly registry?: string | readonly string[] | undefined;
  readonly path: string;
  readonly username?: string | undefined;
}

export class TokenFileKeychain implements Keychain {
  readonly path: string;
  readonly username: string;
  readonly #matches: (registry: string) => boolean;

  constructor(options: TokenFileKeychainOptions) {
    if (options.path === '') throw new AuthConfigError('token file path is empty');
    this.path = options.path;
    this.username = options.username ?? DEFAULT_TOKEN_USERNAME;
    if (this.username === '') throw new AuthConfigError('token file username is empty');
    this.#matches = options.registry === undefined ? () => true : registryMatcher(options.registry);
  }

  async resolve(registry: string): Promise<Credential> {
    if (!this.#matches(registry)) return ANONYMOUS;
    return basicCredential(this.username, await readTokenFile(this.path));
  }
}

/**
 * Reads and validates a token file. Errors name the path and what is wrong, never the content
 * (not even a prefix: half a token is still a secret).
 */
export async function readTokenFile(path: string): Promise<string> {
  let read: Awaited<ReturnType<typeof readBoundedFile>>;
  try {
    read = await readBoundedFile(path, MAX_TOKEN_FILE_BYTES);
  } catch (err) {
    throw new AuthConfigError(`cannot read token file ${path}: ${describeFsError(err)}`, {
      path,
      cause: err,
    });
  }
  if (read.tooLarge) {
    throw new AuthConfigError(
      `token file ${path} is larger than ${MAX_TOKEN_FILE_BYTES} bytes; is it the right file?`,
      {
        path,
      },
    );
  }
  // Secrets mounted from ConfigMaps/`echo` usually end in a newline; surrounding whitespace is never part of a token.
  const token = read.bytes.toString('utf8').trim();
  if (token === '') throw new AuthConfigError(`token file ${path} is empty`, { path });
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new AuthConfigError(
      `token file ${path} contains whitespace, control or non-ASCII characters inside the token`,
      {
        path,
      },
    );
  }
  return token;
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return code ?? 'unknown error';
  }
}
