/**
 * Failures of `ferry trigger` after its flags were accepted. Each has a stable code (scripts and tests
 * match on it) and an exit code: 1 when nothing was promoted (refused, undeliverable, or the promotion
 * ended failed/rejected/cancelled), 2 when the API token was refused before anything was sent (like bad
 * flags, which are BadUsageErrors), 3 when the promotion was accepted but its result is unknown
 * (following it failed, or `--timeout` passed first). Messages show server-supplied text only escaped
 * and shortened, and never a secret or token.
 */
import { FerryError, type FerryErrorOptions } from '../../errors/ferry-error.ts';
import { ExitCode } from '../io.ts';

export const TriggerClientErrorCode = {
  /** The server refused the promotion request (4xx other than 408/429): bad signature, no rule, … */
  Refused: 'FERRY_E_TRIGGER_REFUSED',
  /** The request could not be delivered: network errors or 5xx/429 until the retries ran out. */
  Unavailable: 'FERRY_E_TRIGGER_UNAVAILABLE',
  /** The server answered 2xx with something that is not the contract's PromotionEnvelope. */
  BadResponse: 'FERRY_E_TRIGGER_BAD_RESPONSE',
  /** The server would not show the promotion while waiting (401/403/404). */
  FollowRefused: 'FERRY_E_TRIGGER_FOLLOW_REFUSED',
  /** The API token for `--wait` was refused by the check made before sending (exit 2: nothing was sent). */
  TokenRefused: 'FERRY_E_TRIGGER_TOKEN_REFUSED',
  /** The promotion was accepted, then following it failed: its result is unknown (exit 3). */
  ResultUnknown: 'FERRY_E_TRIGGER_RESULT_UNKNOWN',
  /** `--timeout` passed before delivery (exit 1) or before the promotion reached a terminal state (exit 3). */
  Timeout: 'FERRY_E_TRIGGER_TIMEOUT',
  /** The promotion ended in `failed`. */
  PromotionFailed: 'FERRY_E_PROMOTION_FAILED',
  /** The promotion ended in `rejected` (an approver said no, or policy refused it). */
  PromotionRejected: 'FERRY_E_PROMOTION_REJECTED',
  /** The promotion ended in `cancelled`. */
  PromotionCancelled: 'FERRY_E_PROMOTION_CANCELLED',
} as const;

export type TriggerClientErrorCodeValue =
  (typeof TriggerClientErrorCode)[keyof typeof TriggerClientErrorCode];

export interface TriggerClientErrorOptions extends FerryErrorOptions {
  /** HTTP status the server answered, when there was one. */
  readonly status?: number | undefined;
  /** The server's own error code (`FERRY_E_TRIGGER_BAD_SIGNATURE`…), when it sent one. */
  readonly serverCode?: string | undefined;
  /** Default: 2 for TokenRefused, 3 for ResultUnknown, 1 otherwise. */
  readonly exitCode?: number | undefined;
}

function defaultExitCode(code: TriggerClientErrorCodeValue): number {
  if (code === TriggerClientErrorCode.TokenRefused) return ExitCode.Usage;
  if (code === TriggerClientErrorCode.ResultUnknown) return ExitCode.Unknown;
  return ExitCode.Failed;
}

export class TriggerClientError extends FerryError {
  declare readonly code: TriggerClientErrorCodeValue;
  readonly status: number | undefined;
  readonly serverCode: string | undefined;
  /** What the process exits with (error-report.ts honours it). */
  readonly exitCode: number;

  constructor(code: TriggerClientErrorCodeValue, message: string, options: TriggerClientErrorOptions = {}) {
    super(code, message, options);
    this.status = options.status;
    this.serverCode = options.serverCode;
    this.exitCode = options.exitCode ?? defaultExitCode(code);
  }
}
