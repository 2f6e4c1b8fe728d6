import { FerryError } from '../../errors/ferry-error.ts';

/** What a failure is called in the promotion's reason and audit record: the error's own words. */
export function describeError(err: unknown): { message: string; code: string | undefined } {
  if (err instanceof FerryError) return { message: err.message, code: err.code };
  // Not a FerryError: a bug. Its message is kept (it names no secret: ferry's errors never carry one, and
  // third-party messages do not see credentials), so the operator has something to report.
  return { message: `internal error: ${err instanceof Error ? err.message : String(err)}`, code: undefined };
}
