import { ErrorCode } from '../../errors/codes.ts';
/**
 * The one error a bad `ferry.yaml` produces. Validation collects *every* problem before failing, so an
 * operator fixing a config in a ConfigMap sees the whole list in one pod restart instead of one problem
 * per crash loop. Each problem names the key path and, when the key exists in the file, its position.
 *
 * Messages never contain secret values: problems name the file or environment variable a secret comes
 * from, not what it holds, and never echo the value of an inline `value:` secret.
 */
import { FerryError, type FerryErrorOptions } from '../../errors/ferry-error.ts';

/** Stable code; kept here until `errors/codes.ts` gets its `Config` entry. */
export const CONFIG_ERROR_CODE = ErrorCode.Config;

export interface ConfigProblem {
  /** Key path in the config, e.g. `promotions[2].to`; empty for the document itself. */
  readonly path: string;
  readonly message: string;
  /** The config file (as given to the loader), or undefined for a problem found outside one. */
  readonly file?: string | undefined;
  /** 1-based position of the offending key (or the nearest enclosing node that exists). */
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  /** A stable `FERRY_E_*` code of this problem, when it has one of its own. */
  readonly code?: string | undefined;
}

/** `file:line:col: key.path: message [code]`, leaving out the parts that are unknown. */
export function formatProblem(problem: ConfigProblem): string {
  let where = problem.file ?? '';
  if (problem.line !== undefined) where += `${where === '' ? '' : ':'}${problem.line}:${problem.column ?? 1}`;
  const parts = [where, problem.path, problem.message].filter((part) => part !== '');
  return parts.join(': ') + (problem.code === undefined ? '' : ` [${problem.code}]`);
}

export class ConfigError extends FerryError {
  /** All problems found, in document order; never empty. */
  readonly problems: readonly ConfigProblem[];
  /** The first problem's key path, file and position (the one a terse log line should show). */
  readonly path: string;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(problems: readonly ConfigProblem[], options: FerryErrorOptions = {}) {
    if (problems.length === 0) throw new TypeError('ConfigError needs at least one problem');
    const first = problems[0]!;
    const where = first.file === undefined ? '' : ` in ${first.file}`;
    const count = problems.length === 1 ? '' : ` (${problems.length} problems)`;
    const heading = `invalid configuration${where}${count}`;
    super(
      CONFIG_ERROR_CODE,
      `${heading}:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
      options,
    );
    this.problems = Object.freeze([...problems]);
    this.path = first.path;
    this.file = first.file;
    this.line = first.line;
    this.column = first.column;
  }
}
