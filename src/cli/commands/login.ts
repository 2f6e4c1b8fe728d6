/**
 * `ferry login REGISTRY` / `ferry logout REGISTRY`, skopeo's (containers/common pkg/auth Login and
 * Logout): credentials are checked against the registry (`GET /v2/`, token exchange included) and
 * stored in the same auth.json skopeo, podman and buildah read and write — `--authfile`, else
 * `$REGISTRY_AUTH_FILE`, else `$DOCKER_CONFIG/config.json`, else `$XDG_RUNTIME_DIR/containers/auth.json`.
 * Messages are skopeo's ("Login Succeeded!", `logging into "KEY": invalid username/password`,
 * "Removed login credentials for KEY", "not logged into KEY"). ferry never prompts: the username comes
 * from --username and the password from --password-stdin (or --password, which puts it in the process
 * list and shell history).
 */
import { access } from 'node:fs/promises';
import { homedir } from 'node:os';
import { type Command, Option } from 'commander';
import { AuthFileKeychain } from '../../auth/auth-file-keychain.ts';
import { defaultWriteAuthFile } from '../../auth/auth-file-paths.ts';
import {
  removeAllAuthFileCredentials,
  removeAuthFileCredential,
  setAuthFileCredential,
} from '../../auth/auth-file-writer.ts';
import { basicCredential } from '../../auth/credential-values.ts';
import { ErrorCode } from '../../errors/codes.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import { BadUsageError } from '../../errors/kinds.ts';
import { hasControlCharacter } from '../../reference/display-value.ts';
import { CredentialsRefusedError, checkCredentials } from '../../registry/check-credentials.ts';
import { Registries } from '../../registry/registries.ts';
import type { CommandResult } from '../command-result.ts';
import { reportError } from '../error-report.ts';
import { parseBool, pflagBoolOption } from '../flags/bool-flags.ts';
import { type GlobalOptions, readGlobalOptions } from '../global-options.ts';
import { type CliIo, ExitCode } from '../io.ts';
import { keychainFactories } from '../keychain-factories.ts';
import { VERSION } from '../version.ts';
import { parseCredentialsKey } from './credentials-key.ts';

export function registerLogin(program: Command, io: CliIo, result: CommandResult): void {
  program
    .command('login')
    .description(
      'Log in to a registry: check the credentials and store them in auth.json (like skopeo login)',
    )
    .argument('<registry>', 'e.g. registry.example, registry.example:5000 or registry.example/team')
    .option(
      '--authfile <path>',
      'auth file to write (default: REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json)',
    )
    .option('--cert-dir <dir>', 'directory of *.crt CA files and client.cert/client.key for the registry')
    .option('-u, --username <user>', 'username')
    .addOption(
      new Option('-p, --password <password>', 'password (visible to other users: prefer --password-stdin)'),
    )
    .addOption(pflagBoolOption('--password-stdin <bool>', 'read the password from standard input'))
    .addOption(pflagBoolOption('--get-login <bool>', 'print the username stored for the registry'))
    .option(
      '--tls-verify <bool>',
      'require HTTPS and verify certificates (false also allows plain HTTP)',
      parseBool,
    )
    .addOption(pflagBoolOption('-v, --verbose <bool>', 'print the auth file written'))
    .action(async (arg: string, opts: Record<string, unknown>, command: Command) => {
      const globals = readGlobalOptions(command);
      result.exitCode = await frame('login', globals, io, () => login(arg, opts, globals, io));
    });
  program
    .command('logout')
    .description('Remove stored credentials for a registry (like skopeo logout)')
    .argument('[registry]', 'e.g. registry.example (omit with --all)')
    .option('--authfile <path>', 'auth file to change (default: as for login)')
    .addOption(pflagBoolOption('-a, --all <bool>', 'remove the credentials of every registry'))
    .option(
      '--tls-verify <bool>',
      'accepted for skopeo compatibility (logout talks to no registry)',
      parseBool,
    )
    .action(async (arg: string | undefined, opts: Record<string, unknown>, command: Command) => {
      const globals = readGlobalOptions(command);
      result.exitCode = await frame('logout', globals, io, () => logout(arg, opts, io));
    });
}

async function frame(
  name: string,
  globals: GlobalOptions,
  io: CliIo,
  body: () => Promise<void>,
): Promise<number> {
  try {
    await body();
    return ExitCode.Ok;
  } catch (err) {
    const { exitCode, message } = reportError(err, `${name}: `, globals);
    io.stderr.write(`${message}\n`);
    return exitCode;
  }
}

function authFileFor(opts: Record<string, unknown>, io: CliIo): string {
  return typeof opts.authfile === 'string' && opts.authfile !== ''
    ? opts.authfile
    : defaultWriteAuthFile({ env: io.env, homeDir: io.env.HOME ?? homedir() });
}

async function login(
  arg: string,
  opts: Record<string, unknown>,
  globals: GlobalOptions,
  io: CliIo,
): Promise<void> {
  const { key, registry, repository } = parseCredentialsKey(arg);
  const authFile = authFileFor(opts, io);
  const explicitFile = typeof opts.authfile === 'string' || io.env.REGISTRY_AUTH_FILE || io.env.DOCKER_CONFIG;
  const stored = await new AuthFileKeychain({
    authFile: explicitFile ? authFile : undefined,
    env: io.env,
    homeDir: io.env.HOME ?? homedir(),
  }).resolveRepository(registry, repository);
  if (opts.getLogin === true) {
    if (stored.kind !== 'basic' || stored.username === '')
      throw new FerryError(ErrorCode.NotFound, `not logged into ${key}`);
    io.stdout.write(`${stored.username}\n`);
    return;
  }
  if (stored.kind === 'identity-token')
    throw new BadUsageError('currently logged in, auth file contains an Identity token');

  let password = typeof opts.password === 'string' ? opts.password : undefined;
  const username = typeof opts.username === 'string' ? opts.username.trim() : undefined;
  if (opts.passwordStdin === true) {
    if (password !== undefined && password !== '')
      throw new BadUsageError("Can't specify both --password-stdin and --password");
    if (!username) throw new BadUsageError('Must provide --username with --password-stdin');
    // Go's bufio.Scanner over stdin, lines concatenated: a trailing newline is not part of the password.
    password = (await keychainFactories(io).readStdin()).split(/\r?\n/).join('');
  }
  const check = async (user: string, secret: string) => {
    const registries = new Registries({ retryTimes: 3, userAgent: `ferry/${VERSION}`, env: io.env });
    try {
      const transport = await registries.transport(
        {
          keychain: { resolve: async () => basicCredential(user, secret) },
          tlsVerify: (opts.tlsVerify as boolean | undefined) ?? globals.tlsVerify,
          certDir: opts.certDir as string | undefined,
        },
        registry,
      );
      await checkCredentials(transport);
    } finally {
      await registries.destroy();
    }
  };

  if (!username && !password && stored.kind === 'basic' && stored.password !== '') {
    io.stdout.write(`Authenticating with existing credentials for ${key}\n`);
    try {
      await check(stored.username, stored.password);
      io.stdout.write(`Existing credentials are valid. Already logged in to ${registry}\n`);
      return;
    } catch (err) {
      if (!(err instanceof CredentialsRefusedError)) throw err;
      io.stdout.write('Existing credentials are invalid, please enter valid username and password\n');
    }
  }
  if (!username) throw new BadUsageError('--username is required (ferry does not prompt)');
  if (password === undefined || password === '')
    throw new BadUsageError('a password is required: --password-stdin (ferry does not prompt)');
  if (hasControlCharacter(username) || hasControlCharacter(password))
    throw new BadUsageError('the username or password contains a control character');
  try {
    await check(username, password);
  } catch (err) {
    if (err instanceof CredentialsRefusedError)
      throw new FerryError(ErrorCode.Auth, `logging into ${JSON.stringify(key)}: invalid username/password`);
    throw new FerryError(ErrorCode.Auth, `authenticating creds for ${JSON.stringify(key)}`, {
      cause: err,
      temporary: err instanceof FerryError && err.temporary,
    });
  }
  await setAuthFileCredential(authFile, key, username, password);
  if (opts.verbose === true) io.stdout.write(`Used:  ${authFile}\n`);
  io.stdout.write('Login Succeeded!\n');
}

async function logout(arg: string | undefined, opts: Record<string, unknown>, io: CliIo): Promise<void> {
  const authFile = authFileFor(opts, io);
  const given = typeof opts.authfile === 'string' ? opts.authfile : io.env.REGISTRY_AUTH_FILE || undefined;
  if (given !== undefined) {
    // containers/common CheckAuthFile: a named auth file must exist.
    await access(given).catch(() => {
      throw new BadUsageError(`checking authfile: ${given}: no such file`);
    });
  }
  if (opts.all === true) {
    if (arg !== undefined) throw new BadUsageError('--all takes no arguments');
    await removeAllAuthFileCredentials(authFile);
    io.stdout.write('Removed login credentials for all registries\n');
    return;
  }
  if (arg === undefined) throw new BadUsageError('please provide a registry to logout from');
  const { key } = parseCredentialsKey(arg);
  if (!(await removeAuthFileCredential(authFile, key)))
    throw new FerryError(ErrorCode.NotFound, `not logged into ${key}`);
  io.stdout.write(`Removed login credentials for ${key}\n`);
}
