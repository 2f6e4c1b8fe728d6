/**
 * One step in a promotion's history (or the service's, when promotionId is null). Append-only: the
 * database rejects UPDATE, DELETE and TRUNCATE on the table.
 */
export interface AuditEvent {
  /** Increasing in insertion order. */
  readonly id: number;
  readonly promotionId: string | null;
  readonly at: Date;
  /** Who did it: API token name, approver, webhook source, `ferry` for the worker. Never a secret. */
  readonly actor: string;
  /** What happened: `accepted`, `approved`, `started`, `copied`, `failed`, `notification`… */
  readonly kind: string;
  readonly digest: string | null;
  /** `ok`, `error`, `retry`, `skipped`… */
  readonly outcome: string | null;
  readonly bytes: number | null;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface NewAuditEvent {
  readonly promotionId?: string | null | undefined;
  readonly actor: string;
  readonly kind: string;
  readonly digest?: string | null | undefined;
  readonly outcome?: string | null | undefined;
  readonly bytes?: number | null | undefined;
  readonly detail?: Readonly<Record<string, unknown>> | undefined;
  /** Default: the database's now(). */
  readonly at?: Date | undefined;
}
