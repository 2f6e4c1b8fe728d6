/**
 * The `kind` of every audit event the promotion engine appends, in lifecycle order. Stable strings: the
 * dashboard, notifications and people reading the table match on them.
 */
export const AuditKind = {
  /** A request was matched, resolved to a digest and recorded (also for reruns and rollbacks). */
  Accepted: 'accepted',
  /** A request equal to an in-flight or current promotion: nothing new was created. */
  DuplicateRequest: 'duplicate_request',
  /** The rule needs approvals before anything runs. */
  AwaitingApproval: 'awaiting_approval',
  Approved: 'approved',
  /** An approver decided a second time; the first decision stands. */
  ApprovalIgnored: 'approval_ignored',
  Rejected: 'rejected',
  /** Someone not allowed to decide tried (not a listed approver, or the requester approving their own). */
  ApprovalRefused: 'approval_refused',
  /** A worker took the promotion (one per attempt). */
  Started: 'started',
  /** A run found the promotion still `running` from an interrupted process and took it over. */
  Resumed: 'resumed',
  SignatureVerified: 'signature_verified',
  /** The copy finished; bytes copied, with mounted/skipped in the detail. */
  Copied: 'copied',
  /** A tag was pointed at the promoted digest without a copy: the rule's release tag, or a rollback. */
  TagPointed: 'tag_pointed',
  /** The promotion attestation was signed and attached to the destination image (its referrer digest). */
  Attested: 'attested',
  /** The rule asks for an attestation and it could not be made; the promotion still succeeds unless `attest.required`. */
  AttestationFailed: 'attestation_failed',
  Succeeded: 'succeeded',
  /** A temporary failure; the promotion is queued again with a backoff. */
  RetryScheduled: 'retry_scheduled',
  Failed: 'failed',
  Cancelled: 'cancelled',
  /** ferry stopped while the copy ran; the promotion is queued again and resumes at the next start. */
  Interrupted: 'interrupted',
} as const;

export type AuditKindValue = (typeof AuditKind)[keyof typeof AuditKind];

/** Actor of the steps ferry takes on its own (the worker). */
export const SYSTEM_ACTOR = 'ferry';
