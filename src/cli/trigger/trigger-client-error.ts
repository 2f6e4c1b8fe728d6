/**
 * Failures of `ferry trigger` after its flags were accepted. Each has a stable code (scripts and tests
 * match on it) and maps to exit 1; bad flags are BadUsageErrors (exit 2). Messages show server-supplied
 * text only escaped and shortened, and never a secret or token.
 */
import { FerryError, type FerryErrorOptions } from '../../errors/ferry-error.ts';

export const TriggerClientErrorCode = {
  /** The server refused the promotion request (4xx other than 408/429): bad signature, no rule, … */
  Refused: 'FERRY_E_TRIGGER_REFUSED',
  /** The request could not be delivered: network errors or 5xx/429 until the retries ran out. */
  Unavailable: 'FERRY_E_TRIGGER_UNAVAILABLE',
  /** The server answered 2xx with something that is not the contract's PromotionEnvelope. */
  BadResponse: 'FERRY_E_TRIGGER_BAD_RESPONSE',
  /** The server would not show the promotion while waiting (401/403/404). */
  FollowRefused: 'FERRY_E_TRIGGER_FOLLOW_REFUSED',
  /** `--timeout` passed before the promotion reached a terminal state. */
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
}

export class TriggerClientError extends FerryError {
  declare readonly code: TriggerClientErrorCodeValue;
  readonly status: number | undefined;
  readonly serverCode: string | undefined;

  constructor(code: TriggerClientErrorCodeValue, message: string, options: TriggerClientErrorOptions = {}) {
    super(code, message, options);
    this.status = options.status;
    this.serverCode = options.serverCode;
  }
}
