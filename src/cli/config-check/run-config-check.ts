/**
 * `ferry config check FILE`. One of the two CLI commands allowed to import `src/service/` (the other is
 * `serve`; test/architecture.test.ts keeps the list): "validates like serve does" is only true if it is
 * serve's own loader that validates.
 *
 * Output: `FILE: valid` on stdout, each warning (legal settings that weaken production) on stderr; on
 * failure every problem, `file:line:col: key.path: message`, and exit 2. Messages never hold a secret
 * value (config-error.ts).
 */
import { ConfigError, type ConfigProblem, formatProblem } from '../../service/config/config-error.ts';
import { loadConfig } from '../../service/config/load-config.ts';
import { reportError } from '../error-report.ts';
import { type CliIo, ExitCode } from '../io.ts';
import type { ConfigCheckFlags } from './register-config-check.ts';

interface JsonProblem {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly path: string;
  readonly message: string;
  /** The problem's own stable code, when it has one (an attestation key's passphrase …). */
  readonly code?: string;
}

function jsonProblem(problem: ConfigProblem): JsonProblem {
  const { file, line, column, path, message, code } = problem;
  return { file, line, column, path, message, ...(code === undefined ? {} : { code }) };
}

export async function runConfigCheck(file: string, flags: ConfigCheckFlags, io: CliIo): Promise<number> {
  try {
    const { warnings } = await loadConfig(file, { env: io.env, checkSources: flags.fileOnly !== true });
    if (flags.json === true) {
      io.stdout.write(
        `${JSON.stringify({ valid: true, problems: [], warnings: warnings.map(jsonProblem) }, null, 2)}\n`,
      );
    } else {
      for (const warning of warnings) io.stderr.write(`ferry: warning: ${formatProblem(warning)}\n`);
      io.stdout.write(
        `${file}: valid${flags.fileOnly === true ? ' (referenced files and variables not checked)' : ''}\n`,
      );
    }
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof ConfigError && flags.json === true) {
      io.stdout.write(
        `${JSON.stringify({ valid: false, problems: err.problems.map(jsonProblem), warnings: [] }, null, 2)}\n`,
      );
      return ExitCode.Usage;
    }
    const { exitCode, message } = reportError(err, 'config check: ');
    io.stderr.write(`${message}\n`);
    return exitCode;
  }
}
