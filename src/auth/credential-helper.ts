/**
 * Client for docker credential helpers (github.com/docker/docker-credential-helpers protocol):
 * run `docker-credential-<name> get`, write the server URL to stdin, read
 * `{"ServerURL": …, "Username": …, "Secret": …}` from stdout. A helper that has nothing for the server
 * exits non-zero and prints `credentials not found in native keychain` (credentials.errCredentialsNotFoundMessage);
 * that means "anonymous", not failure. Username `<token>` marks Secret as an identity (refresh) token,
 * as containers/image getCredsFromCredHelper and docker's CLI both interpret it.
 *
 * Runs with execFile (no shell) and a timeout: helper names come from a config file, and a helper
 * waiting on a GUI/gpg prompt must not hang a copy forever.
 */
import { type ExecFileException, execFile } from 'node:child_process';
import { CredentialHelperError } from './auth-error.ts';
import type { Credential } from './credential.ts';
import { ANONYMOUS } from './credential.ts';
import { basicCredential, identityTokenCredential } from './credential-values.ts';

export const DEFAULT_HELPER_TIMEOUT_MS = 30_000;

/** What the helpers print when they have no entry; compared after trimming, like credentials.IsErrCredentialsNotFoundMessage. */
const NOT_FOUND_MESSAGE = 'credentials not found in native keychain';

/** Helpers print little; cap what we buffer. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

/** A helper suffix is a plain name: anything with a path separator could run an arbitrary program. */
const HELPER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface CredentialHelperOptions {
  /** Environment for the helper; its PATH is also where the helper is looked up. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number | undefined;
}

/** Program name for a `credHelpers`/`credsStore` value, validated. */
export function credentialHelperProgram(name: string): string {
  if (!HELPER_NAME_RE.test(name)) {
    throw new CredentialHelperError(
      `docker-credential-${name}`,
      `invalid credential helper name ${JSON.stringify(name)} (expected a plain name such as "pass" or "ecr-login")`,
    );
  }
  return `docker-credential-${name}`;
}

/** Asks helper `name` for `serverUrl`'s credential; anonymous when the helper has none. */
export async function getFromCredentialHelper(
  name: string,
  serverUrl: string,
  options: CredentialHelperOptions,
): Promise<Credential> {
  const program = credentialHelperProgram(name);
  const timeoutMs = options.timeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
  const { error, stdout, stderr } = await run(program, serverUrl, options.env, timeoutMs);

  if (error !== undefined) {
    const code = error.code;
    if (code === 'ENOENT') {
      throw new CredentialHelperError(program, `credential helper ${program} not found on PATH`, {
        cause: error,
      });
    }
    if (code === 'EACCES') {
      throw new CredentialHelperError(program, `credential helper ${program} is not executable`, {
        cause: error,
      });
    }
    if (error.killed === true || error.signal === 'SIGTERM') {
      throw new CredentialHelperError(
        program,
        `credential helper ${program} timed out after ${timeoutMs} ms`,
        {
          temporary: true,
        },
      );
    }
    if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
      throw new CredentialHelperError(
        program,
        `credential helper ${program} printed more than ${MAX_OUTPUT_BYTES} bytes`,
      );
    }
    if (stdout.trim() === NOT_FOUND_MESSAGE || stderr.trim() === NOT_FOUND_MESSAGE) return ANONYMOUS;
    const detail = helperMessage(stdout) ?? helperMessage(stderr);
    const status =
      typeof code === 'number' ? `exit status ${code}` : String(code ?? error.signal ?? 'failed');
    throw new CredentialHelperError(
      program,
      `credential helper ${program} failed for ${serverUrl} (${status})${detail === undefined ? '' : `: ${detail}`}`,
    );
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    // Not even a fragment of the output: it is supposed to contain the secret.
    throw new CredentialHelperError(program, `credential helper ${program} returned output that is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new CredentialHelperError(program, `credential helper ${program} returned unexpected JSON`);
  }
  const record = parsed as Record<string, unknown>;
  const username = record['Username'] ?? '';
  const secret = record['Secret'] ?? '';
  if (typeof username !== 'string' || typeof secret !== 'string') {
    throw new CredentialHelperError(
      program,
      `credential helper ${program} returned non-string Username/Secret`,
    );
  }
  if (username === '<token>') return secret === '' ? ANONYMOUS : identityTokenCredential(secret);
  if (username === '' && secret === '') return ANONYMOUS;
  return basicCredential(username, secret);
}

interface RunResult {
  error: ExecFileException | undefined;
  stdout: string;
  stderr: string;
}

function run(
  program: string,
  input: string,
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      program,
      ['get'],
      {
        env: { ...env },
        timeout: timeoutMs,
        maxBuffer: MAX_OUTPUT_BYTES,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        resolve({ error: error ?? undefined, stdout, stderr });
      },
    );
    // A helper that exits without reading stdin makes the write fail with EPIPE; the exit status is
    // what matters, reported through the callback above.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}

/**
 * First line of a failing helper's output, for the error message. Helpers print an error string there
 * (e.g. "exit status 2: gpg: decryption failed"); output that looks like a credential payload is
 * withheld, and control characters are dropped so it cannot drive the terminal.
 */
function helperMessage(output: string): string | undefined {
  const line = output
    .trim()
    .split('\n')[0]
    ?.replace(/[^\x20-\x7e]/g, '')
    .trim();
  if (line === undefined || line === '' || /"secret"\s*:/i.test(line)) return undefined;
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
