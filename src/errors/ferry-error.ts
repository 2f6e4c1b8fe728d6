/**
 * Base class of every error ferry raises on purpose. `code` is stable (`FERRY_E_*`) so callers,
 * exit-code mapping and tests match on it, never on message text. `temporary` tells the retry
 * layers whether trying again can help.
 */
export interface FerryErrorOptions {
  cause?: unknown;
  temporary?: boolean;
}

export class FerryError extends Error {
  readonly code: string;
  readonly temporary: boolean;

  constructor(code: string, message: string, options: FerryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.temporary = options.temporary ?? false;
  }
}

/** True when `err` is a FerryError carrying `code`. */
export function hasCode(err: unknown, code: string): boolean {
  return err instanceof FerryError && err.code === code;
}
