import { ErrorCode } from '../errors/codes.ts';
import { FerryError, type FerryErrorOptions } from '../errors/ferry-error.ts';

/** One problem in a sync YAML file, located as precisely as the file allows. */
export interface SyncFileProblem {
  /** Dotted key path, e.g. `registry.example.com.images-by-semver.app`. */
  readonly key: string;
  readonly message: string;
  readonly line?: number | undefined;
  readonly column?: number | undefined;
}

/**
 * A bad sync file. Every problem is collected first, so one run shows them all; each line reads
 * `file:line:col: key: message`. Values are never echoed: a sync file may hold registry passwords.
 */
export class SyncConfigError extends FerryError {
  readonly file: string;
  readonly problems: readonly SyncFileProblem[];

  constructor(file: string, problems: readonly SyncFileProblem[], options: FerryErrorOptions = {}) {
    const lines = problems.map((p) => {
      const where = p.line === undefined ? file : `${file}:${p.line}:${p.column ?? 1}`;
      return `  ${[where, p.key, p.message].filter((s) => s !== '').join(': ')}`;
    });
    const count = problems.length === 1 ? '' : ` (${problems.length} problems)`;
    super(ErrorCode.Config, `invalid sync file ${file}${count}:\n${lines.join('\n')}`, options);
    this.file = file;
    this.problems = Object.freeze([...problems]);
  }
}
