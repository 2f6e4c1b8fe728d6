import { atomically, type Database } from './database.ts';

/** The approvals table: one decision per approver and promotion; the first decision stands. */

export type ApprovalDecision = 'approve' | 'reject';

export interface RecordApprovalInput {
  readonly promotionId: string;
  readonly approver: string;
  readonly decision: ApprovalDecision;
  readonly comment?: string | null | undefined;
}

export interface ApprovalTally {
  /** False when this approver had already decided; the first decision stands. */
  readonly recorded: boolean;
  /** Distinct approvers who approved. */
  readonly approvals: number;
  /** Distinct approvers who rejected. */
  readonly rejections: number;
}

/** Records one approver's decision (once per approver) and returns the tally of distinct approvers. */
export async function recordApproval(db: Database, input: RecordApprovalInput): Promise<ApprovalTally> {
  return atomically(db, async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO approvals (promotion_id, approver, decision, comment) VALUES ($1, $2, $3, $4)
       ON CONFLICT (promotion_id, approver) DO NOTHING RETURNING approver`,
      [input.promotionId, input.approver, input.decision, input.comment ?? null],
    );
    const { rows } = await tx.query<{ approvals: number; rejections: number }>(
      `SELECT count(*) FILTER (WHERE decision = 'approve')::int AS approvals,
              count(*) FILTER (WHERE decision = 'reject')::int AS rejections
         FROM approvals WHERE promotion_id = $1`,
      [input.promotionId],
    );
    return {
      recorded: inserted.rows.length === 1,
      approvals: rows[0]!.approvals,
      rejections: rows[0]!.rejections,
    };
  });
}

/** One approver's recorded decision. */
export interface Approval {
  readonly promotionId: string;
  readonly approver: string;
  readonly decision: ApprovalDecision;
  readonly comment: string | null;
  readonly at: Date;
}

interface ApprovalRow {
  promotion_id: string;
  approver: string;
  decision: ApprovalDecision;
  comment: string | null;
  at: Date;
}

/** The decisions recorded for each of `promotionIds` (oldest first); ids without any are absent. */
export async function listApprovals(
  db: Database,
  promotionIds: readonly string[],
): Promise<Map<string, Approval[]>> {
  const byPromotion = new Map<string, Approval[]>();
  if (promotionIds.length === 0) return byPromotion;
  const { rows } = await db.query<ApprovalRow>(
    `SELECT promotion_id, approver, decision, comment, at FROM approvals
      WHERE promotion_id = ANY($1::text[]) ORDER BY at, approver`,
    [[...new Set(promotionIds)]],
  );
  for (const row of rows) {
    const list = byPromotion.get(row.promotion_id) ?? [];
    list.push({
      promotionId: row.promotion_id,
      approver: row.approver,
      decision: row.decision,
      comment: row.comment,
      at: row.at,
    });
    byPromotion.set(row.promotion_id, list);
  }
  return byPromotion;
}
