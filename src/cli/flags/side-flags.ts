import type { Credential, Keychain } from '../../auth/credential.ts';
import { ANONYMOUS } from '../../auth/credential.ts';
import { basicCredential, bearerCredential } from '../../auth/credential-values.ts';
import { parseCredsFlag } from '../../auth/static-keychain.ts';
import { registryTokenProblem } from '../../auth/token-keychain.ts';
import { BadUsageError } from '../../errors/kinds.ts';
import { hasControlCharacter } from '../../reference/display-value.ts';
import type { Endpoint } from '../../registry/registries.ts';

/** Credential and TLS flags of one side of a copy (`--src-*` or `--dest-*`, skopeo's names). */
export interface SideFlags {
  readonly creds?: string | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly passwordStdin?: boolean | undefined;
  readonly registryToken?: string | undefined;
  readonly tokenFile?: string | undefined;
  readonly authfile?: string | undefined;
  readonly noCreds?: boolean | undefined;
  readonly tlsVerify?: boolean | undefined;
  readonly certDir?: string | undefined;
}

export interface KeychainFactories {
  /** The containers/docker auth-file chain (auth.json, docker config, credential helpers). */
  authFile(options: { authFile?: string | undefined }): Keychain;
  tokenFile(options: { path: string; username?: string | undefined }): Keychain;
  /** Reads the whole of stdin once (for --*-password-stdin). */
  readStdin(): Promise<string>;
}

function fixed(credential: Credential): Keychain {
  return { resolve: async () => credential };
}

/**
 * Turn one side's flags into an Endpoint. Exactly one credential source may be given; which one wins is
 * never guessed. Precedence otherwise follows skopeo: explicit flags, then the auth-file chain.
 */
export async function endpointFromFlags(
  side: 'src' | 'dest',
  flags: SideFlags,
  factories: KeychainFactories,
  globalAuthfile: string | undefined,
): Promise<Endpoint> {
  const given = [
    flags.creds !== undefined && `--${side}-creds`,
    flags.username !== undefined && flags.tokenFile === undefined && `--${side}-username`,
    flags.registryToken !== undefined && `--${side}-registry-token`,
    flags.tokenFile !== undefined && `--${side}-token-file`,
    flags.noCreds && `--${side}-no-creds`,
  ].filter(Boolean);
  if (given.length > 1) {
    throw new BadUsageError(`${given.join(' and ')} cannot be used together: pick one credential source`);
  }
  let keychain: Keychain;
  if (flags.noCreds) {
    keychain = fixed(ANONYMOUS);
  } else if (flags.registryToken !== undefined) {
    const problem = registryTokenProblem(flags.registryToken);
    if (problem) throw new BadUsageError(`--${side}-registry-token ${problem}`);
    keychain = fixed(bearerCredential(flags.registryToken));
  } else if (flags.tokenFile !== undefined) {
    keychain = factories.tokenFile({ path: flags.tokenFile, username: flags.username });
  } else if (flags.creds !== undefined || flags.username !== undefined) {
    const { username, password } =
      flags.creds !== undefined
        ? parseCredsFlag(flags.creds, `--${side}-creds`)
        : { username: flags.username!, password: flags.password };
    let secret = password;
    if (flags.passwordStdin) {
      if (secret !== undefined)
        throw new BadUsageError(`--${side}-password-stdin given, but a password is already in the flags`);
      secret = (await factories.readStdin()).replace(/\r?\n$/, '');
    }
    if (secret === undefined) {
      throw new BadUsageError(
        `--${side}-creds has no password: use USER:PASSWORD, or --${side}-password-stdin to read it from standard input`,
      );
    }
    if (hasControlCharacter(username) || hasControlCharacter(secret)) {
      // A stray newline or tab would become part of the secret and fail later as a confusing 401; the
      // message never echoes the value.
      throw new BadUsageError(
        `the ${side === 'src' ? 'source' : 'destination'} credentials contain a control character (a second line on standard input, or a trailing newline?)`,
      );
    }
    keychain = fixed(basicCredential(username, secret));
  } else {
    if (flags.passwordStdin)
      throw new BadUsageError(`--${side}-password-stdin needs --${side}-creds USER or --${side}-username`);
    keychain = factories.authFile({ authFile: flags.authfile ?? globalAuthfile });
  }
  return { keychain, tlsVerify: flags.tlsVerify, certDir: flags.certDir };
}
