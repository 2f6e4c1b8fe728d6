/**
 * What can go wrong talking to the ferry API, each with a stable code and the exit code it means:
 *
 *   the server refused (4xx)                    1, or 2 when the input was ours (400 bad query, 401 token)
 *   no answer / 5xx while reading               1  (nothing changed)
 *   no answer / 5xx after sending an action     3  (it may or may not have happened)
 *   an answer that breaks the contract          1 for a read, 3 for an action (it was done; the result
 *                                                  cannot be shown)
 *
 * A refusal carries the server's own code (`FERRY_E_PROMOTION_…`), so the line reads
 * `ferry: <server message> [<server code>]`. Server text is escaped and shortened (serverText).
 */
import { FerryError, type FerryErrorOptions } from '../../errors/ferry-error.ts';
import { ExitCode } from '../io.ts';

export const ApiClientErrorCode = {
  /** The server refused without a code of its own (not a ferry server, or a proxy's error page). */
  Refused: 'FERRY_E_API_REFUSED',
  /** No answer, or 5xx, for a request that changes nothing. */
  Unavailable: 'FERRY_E_API_UNAVAILABLE',
  /** An action was sent and no answer says what became of it. */
  OutcomeUnknown: 'FERRY_E_API_OUTCOME_UNKNOWN',
  /** A 2xx whose body does not follow the API contract (src/api/). */
  BadResponse: 'FERRY_E_API_BAD_RESPONSE',
} as const;

/** A server code is shown as the error's code only when it looks like one of ferry's. */
const SERVER_CODE_RE = /^FERRY_E_[A-Z0-9_]{1,60}$/;

export interface ApiClientErrorOptions extends FerryErrorOptions {
  readonly status?: number | undefined;
  readonly exitCode: number;
}

export class ApiClientError extends FerryError {
  /** HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** What the process exits with (error-report.ts honours it). */
  readonly exitCode: number;

  constructor(code: string, message: string, options: ApiClientErrorOptions) {
    super(code, message, options);
    this.status = options.status;
    this.exitCode = options.exitCode;
  }
}

/** A 4xx (or a non-temporary 5xx) answer: the server's code and message when it sent them. */
export function refusal(
  status: number,
  body: { code: string; message: string } | undefined,
  fallback: string,
): ApiClientError {
  const code = body !== undefined && SERVER_CODE_RE.test(body.code) ? body.code : ApiClientErrorCode.Refused;
  // 400: the query or body we built from the user's flags; 401: the token the user gave.
  const exitCode = status === 400 || status === 401 ? ExitCode.Usage : ExitCode.Failed;
  return new ApiClientError(code, body?.message ?? `${fallback}: HTTP ${status}`, { status, exitCode });
}
