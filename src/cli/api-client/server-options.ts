/**
 * How every command that talks to `ferry serve` finds and trusts it, and proves who it is:
 *
 *   --server URL | FERRY_SERVER        base URL (may carry a path prefix)
 *   --cacert FILE (alias --ca-file)    extra CA certificate(s) for an HTTPS server
 *   --insecure                         no certificate verification (test servers)
 *   --token-file FILE | FERRY_TOKEN    API token; never a flag value (argv shows in `ps` and CI logs)
 *
 * Options are registered and read here so that `ferry trigger`, `ferry promotions …` and
 * `ferry releases …` spell and check them identically. No HTTP client is loaded here (registration runs
 * for every command): open-connection.ts makes the connection.
 */
import { type Command, Option } from 'commander';
import { BadUsageError } from '../../errors/kinds.ts';
import { quoteValue } from '../flags/quote-value.ts';
import { readCaFile } from './read-ca-file.ts';
import { readSecret } from './read-secret.ts';

export const SERVER_ENV = 'FERRY_SERVER';
export const TOKEN_ENV = 'FERRY_TOKEN';

/** The options commander hands over (camelCased). */
export interface ServerFlags {
  readonly server?: string | undefined;
  readonly cacert?: string | undefined;
  readonly caFile?: string | undefined;
  readonly insecure?: boolean | undefined;
  readonly tokenFile?: string | undefined;
  /** Accepted only to be refused by name (a token on the command line). */
  readonly token?: unknown;
}

/** Adds --server, --cacert/--ca-file, --insecure and --token-file to `command`. */
export function addServerOptions(command: Command, tokenHelp: string): Command {
  return command
    .option(
      '--server <url>',
      `base URL of ferry serve, e.g. https://ferry.prod.example (default: $${SERVER_ENV})`,
    )
    .option('--token-file <path>', `${tokenHelp} (default: $${TOKEN_ENV})`)
    .option(
      '--cacert <file>',
      'PEM CA certificate(s) to trust for the server, in addition to the system roots',
    )
    .addOption(new Option('--ca-file <file>', 'same as --cacert').hideHelp())
    .option('--insecure', 'do not verify the server certificate (test servers only)')
    .addOption(new Option('--token [value]').hideHelp());
}

/** `--server` (or FERRY_SERVER): an http(s) base URL without credentials, query or fragment. */
export function parseServerUrl(flag: string | undefined, env: NodeJS.ProcessEnv): URL {
  const value = flag ?? env[SERVER_ENV];
  const name = flag === undefined && env[SERVER_ENV] !== undefined ? SERVER_ENV : '--server';
  if (value === undefined || value === '') {
    throw new BadUsageError(
      `--server is required (or set ${SERVER_ENV}): the base URL of ferry serve, e.g. https://ferry.prod.example`,
    );
  }
  if (!URL.canParse(value)) throw new BadUsageError(`${name} ${quoteValue(value)} is not an absolute URL`);
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BadUsageError(`${name} ${quoteValue(value)} must be an http:// or https:// URL`);
  }
  // A password in the URL would be printed with every message that names the server.
  if (url.username !== '' || url.password !== '') {
    throw new BadUsageError(`${name} must not contain credentials ("user:password@")`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new BadUsageError(`${name} ${quoteValue(value)} must not have a query or fragment`);
  }
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

/** The CA file flag given, refusing contradictions before anything is read. */
function caFileOf(flags: ServerFlags): { path: string; flag: string } | undefined {
  if (flags.cacert !== undefined && flags.caFile !== undefined) {
    throw new BadUsageError('--cacert and --ca-file name the same thing: give one');
  }
  const path = flags.cacert ?? flags.caFile;
  if (path === undefined) return undefined;
  if (flags.insecure === true) {
    throw new BadUsageError(
      `--insecure and ${flags.cacert === undefined ? '--ca-file' : '--cacert'} cannot be used together: pick one`,
    );
  }
  return { path, flag: flags.cacert === undefined ? '--ca-file' : '--cacert' };
}

/** Refuses `--token VALUE`: the value is never echoed, the way to pass a token is named. */
export function refuseTokenFlag(flags: ServerFlags): void {
  if (flags.token !== undefined) {
    throw new BadUsageError(
      `--token is not supported: a token on the command line shows in process lists and CI logs; use --token-file PATH or ${TOKEN_ENV}`,
    );
  }
}

/** The API token from --token-file or FERRY_TOKEN, or undefined when neither is set. */
export function readToken(flags: ServerFlags, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return readSecret({ file: flags.tokenFile, fileFlag: '--token-file', envName: TOKEN_ENV, env });
}

/** Checks the connection flags (no I/O but the CA file) without connecting. */
export async function readConnectionFlags(
  flags: ServerFlags,
  env: NodeJS.ProcessEnv,
): Promise<{ server: URL; ca: string[] | undefined; insecure: boolean }> {
  const server = parseServerUrl(flags.server, env);
  const caFile = caFileOf(flags);
  const ca = caFile === undefined ? undefined : await readCaFile(caFile.path, caFile.flag);
  return { server, ca, insecure: flags.insecure === true };
}

/** The exit codes of the operator commands, for their --help. */
export const OPERATOR_EXIT_CODES = `
Exit codes:
  0  done
  1  the server refused (the message ends with its code, e.g. [FERRY_E_PROMOTION_CONFLICT]), or it
     could not be reached for a read
  2  bad usage: a flag or argument, or the API token (--token-file, FERRY_TOKEN) was not accepted
  3  an action was sent but no answer came: it may have been done (check with ferry promotions show)`;
