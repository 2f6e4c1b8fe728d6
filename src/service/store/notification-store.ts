import type { Database } from './database.ts';

/** The notification_deliveries table: every outbound notification attempt and its outcome. */

export interface NotificationAttempt {
  readonly promotionId?: string | null | undefined;
  /** Configured notifier name or URL host; never a URL with credentials. */
  readonly target: string;
  readonly event: string;
  /** 1 for the first try. */
  readonly attempt: number;
  readonly statusCode?: number | null | undefined;
  readonly error?: string | null | undefined;
  readonly durationMs?: number | null | undefined;
}

export interface NotificationDelivery {
  readonly id: number;
  readonly promotionId: string | null;
  readonly target: string;
  readonly event: string;
  readonly attempt: number;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number | null;
  readonly at: Date;
}

interface NotificationRow {
  id: number;
  promotion_id: string | null;
  target: string;
  event: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number | null;
  at: Date;
}

function toNotification(row: NotificationRow): NotificationDelivery {
  return {
    id: row.id,
    promotionId: row.promotion_id,
    target: row.target,
    event: row.event,
    attempt: row.attempt,
    statusCode: row.status_code,
    error: row.error,
    durationMs: row.duration_ms,
    at: row.at,
  };
}

export async function recordNotification(
  db: Database,
  attempt: NotificationAttempt,
): Promise<NotificationDelivery> {
  const { rows } = await db.query<NotificationRow>(
    `INSERT INTO notification_deliveries (promotion_id, target, event, attempt, status_code, error, duration_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [
      attempt.promotionId ?? null,
      attempt.target,
      attempt.event,
      attempt.attempt,
      attempt.statusCode ?? null,
      attempt.error ?? null,
      attempt.durationMs === undefined || attempt.durationMs === null ? null : Math.round(attempt.durationMs),
    ],
  );
  return toNotification(rows[0]!);
}

export async function listNotifications(db: Database, promotionId: string): Promise<NotificationDelivery[]> {
  const { rows } = await db.query<NotificationRow>(
    'SELECT * FROM notification_deliveries WHERE promotion_id = $1 ORDER BY id',
    [promotionId],
  );
  return rows.map(toNotification);
}
