import { FerryError } from '../errors/ferry-error.ts';

/**
 * What of an error may go into a log line: message, stable code and the chain of causes' messages.
 * Never the error object itself: database driver errors carry their client, whose connection
 * parameters include the password, and pino serialises every enumerable property.
 */
export function safeError(err: unknown): {
  message: string;
  code?: string;
  causes?: string[];
  stack?: string;
} {
  if (!(err instanceof Error)) return { message: String(err) };
  const causes: string[] = [];
  let cause: unknown = err.cause;
  for (let i = 0; i < 4 && cause instanceof Error; i++) {
    causes.push(cause.message);
    cause = cause.cause;
  }
  const raw = (err as Error & { code?: unknown }).code;
  const code = err instanceof FerryError ? err.code : typeof raw === 'string' ? raw : undefined;
  return {
    message: err.message,
    ...(code ? { code } : {}),
    ...(causes.length ? { causes } : {}),
    ...(err.stack ? { stack: err.stack } : {}),
  };
}

/**
 * Message and code only: for expected operational failures (the database unreachable, a client gone)
 * that are logged as warnings, where a stack and the chain of causes say nothing to an operator and a
 * driver's causes can carry connection details.
 */
export function briefError(err: unknown): { message: string; code?: string } {
  const { message, code } = safeError(err);
  return code === undefined ? { message } : { message, code };
}
