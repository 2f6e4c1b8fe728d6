/**
 * The error the promotion service throws for a request it refuses (and records as the reason of a
 * promotion that fails a policy). It carries the HTTP status the API answers with, fixed per code, so the
 * HTTP layer maps it to `{code, message}` without reading message text. Anything that is not a
 * PromotionError (a StoreError, a bug) is a server-side problem and becomes a 5xx.
 *
 * Messages name references, digests and rule names; never a credential or a secret's source value.
 */
import { FerryError, type FerryErrorOptions } from '../../errors/ferry-error.ts';

/** Stable codes; new ones are appended, existing ones never change meaning. */
export const PromotionErrorCode = {
  /** No promotion has this id. */
  NotFound: 'FERRY_E_PROMOTION_NOT_FOUND',
  /** No promotion rule applies to the source (or the rule a promotion was made under is gone). */
  NoRule: 'FERRY_E_PROMOTION_NO_RULE',
  /** The request is malformed: bad repository, tag or digest, a renamed destination tag, no tag at all. */
  InvalidRequest: 'FERRY_E_PROMOTION_INVALID_REQUEST',
  /** The rule's `tags` pattern does not allow the tag. */
  TagNotAllowed: 'FERRY_E_PROMOTION_TAG_NOT_ALLOWED',
  /** The source registry answered, but the tag or digest is not there. */
  SourceNotFound: 'FERRY_E_PROMOTION_SOURCE_NOT_FOUND',
  /** The source registry could not be asked (network, TLS, credentials, 5xx). */
  SourceUnreachable: 'FERRY_E_PROMOTION_SOURCE_UNREACHABLE',
  /** The promotion is not in a state that allows the operation (approve a running one, cancel a finished one). */
  Conflict: 'FERRY_E_PROMOTION_CONFLICT',
  /** Rollback: the tag already points at the digest of the promotion named. */
  AlreadyCurrent: 'FERRY_E_PROMOTION_ALREADY_CURRENT',
  /** Rollback: the rule has nothing that may move (immutable tags and no release tag). */
  NotRollbackable: 'FERRY_E_PROMOTION_NOT_ROLLBACKABLE',
  /** Rollback: the digest to restore is no longer in the destination repository. */
  DigestGone: 'FERRY_E_PROMOTION_DIGEST_GONE',
  /** The actor may not do this to this promotion (approve their own request, not a listed approver). */
  Forbidden: 'FERRY_E_PROMOTION_FORBIDDEN',
  /** A redelivered webhook whose first delivery created no promotion that can be returned. */
  DuplicateDelivery: 'FERRY_E_PROMOTION_DUPLICATE_DELIVERY',
  /** Signature gate: no cosign signature verifies with the rule's keys for the promoted digest. */
  SignatureRequired: 'FERRY_E_PROMOTION_SIGNATURE_REQUIRED',
  /** The destination tag is immutable and already points at another digest. */
  ImmutableTag: 'FERRY_E_PROMOTION_IMMUTABLE_TAG',
  /** After the copy the destination tag does not point at the expected digest. */
  VerifyFailed: 'FERRY_E_PROMOTION_VERIFY_FAILED',
  /** This approver already approved or rejected the promotion; each decides once, the first stands. */
  AlreadyDecided: 'FERRY_E_PROMOTION_ALREADY_DECIDED',
  /** The rule that applies does not list the request's trigger in `triggers` (registry events are opt-in). */
  TriggerNotAllowed: 'FERRY_E_PROMOTION_TRIGGER_NOT_ALLOWED',
  /** The rule's `attest` is `required` and the promotion attestation could not be signed or attached. */
  AttestationFailed: 'FERRY_E_PROMOTION_ATTESTATION_FAILED',
} as const;

export type PromotionErrorCodeValue = (typeof PromotionErrorCode)[keyof typeof PromotionErrorCode];

export type PromotionErrorStatus = 403 | 404 | 409 | 422 | 502;

/** Status per code, fixed here so a code can never be answered with two different statuses. */
export const PROMOTION_ERROR_STATUS: Readonly<Record<PromotionErrorCodeValue, PromotionErrorStatus>> =
  Object.freeze({
    [PromotionErrorCode.NotFound]: 404,
    [PromotionErrorCode.NoRule]: 404,
    [PromotionErrorCode.InvalidRequest]: 422,
    [PromotionErrorCode.TagNotAllowed]: 422,
    [PromotionErrorCode.SourceNotFound]: 422,
    [PromotionErrorCode.SourceUnreachable]: 502,
    [PromotionErrorCode.Conflict]: 409,
    [PromotionErrorCode.AlreadyCurrent]: 409,
    [PromotionErrorCode.NotRollbackable]: 409,
    [PromotionErrorCode.DigestGone]: 409,
    [PromotionErrorCode.Forbidden]: 403,
    [PromotionErrorCode.DuplicateDelivery]: 409,
    [PromotionErrorCode.SignatureRequired]: 422,
    [PromotionErrorCode.ImmutableTag]: 409,
    [PromotionErrorCode.VerifyFailed]: 502,
    [PromotionErrorCode.AlreadyDecided]: 409,
    [PromotionErrorCode.TriggerNotAllowed]: 403,
    [PromotionErrorCode.AttestationFailed]: 502,
  });

export interface PromotionErrorBody {
  readonly code: PromotionErrorCodeValue;
  readonly message: string;
}

export class PromotionError extends FerryError {
  declare readonly code: PromotionErrorCodeValue;
  readonly status: PromotionErrorStatus;

  constructor(code: PromotionErrorCodeValue, message: string, options: FerryErrorOptions = {}) {
    super(code, message, options);
    this.status = PROMOTION_ERROR_STATUS[code];
  }

  /** What the API sends back: only code and message, nothing from `cause`. */
  toResponseBody(): PromotionErrorBody {
    return { code: this.code, message: this.message };
  }
}

export function isPromotionError(err: unknown): err is PromotionError {
  return err instanceof PromotionError;
}
