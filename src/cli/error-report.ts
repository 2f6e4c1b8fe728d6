import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { ExitCode } from './io.ts';

const USAGE_CODES = new Set<string>([
  ErrorCode.BadReference,
  ErrorCode.BadUsage,
  ErrorCode.AuthConfig,
  ErrorCode.Config,
  ErrorCode.PolicyConfig,
  ErrorCode.PolicyUnsupported,
]);

/** Map an error to an exit code and a one-paragraph message; never a stack trace. */
export function reportError(err: unknown, context: string): { exitCode: number; message: string } {
  if (err instanceof FerryError) {
    const causes: string[] = [];
    let cause: unknown = err.cause;
    for (let i = 0; i < 3 && cause instanceof FerryError; i++) {
      causes.push(cause.message);
      cause = cause.cause;
    }
    const detail = [err.message, ...causes].join(': ');
    return {
      exitCode: USAGE_CODES.has(err.code) ? ExitCode.Usage : ExitCode.Failed,
      message: `ferry: ${context}${detail} [${err.code}]`,
    };
  }
  const text = err instanceof Error ? err.message : String(err);
  return { exitCode: ExitCode.Failed, message: `ferry: ${context}${text}` };
}
