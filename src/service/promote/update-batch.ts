import type { AuditEvent, NewAuditEvent } from '../store/audit-event.ts';
import { appendAudit, appendAudits } from '../store/audit-store.ts';
import type { Database } from '../store/database.ts';
import type { Promotion, PromotionStatus } from '../store/promotion.ts';
import { type TransitionFields, transition } from '../store/promotion-transition.ts';
import type { PromotionEvents } from './promotion-events.ts';
import type { PromotionUpdate } from './promotion-service.ts';

/**
 * The updates one transaction produces, held back until it commits: subscribers (server-sent events)
 * must never see an audit event or a status that a rollback undid. Make one per transaction attempt,
 * write through it with the transaction handle, and publish after `db.transaction` resolved.
 */
export class UpdateBatch {
  readonly #updates: PromotionUpdate[] = [];

  async audit(db: Database, event: NewAuditEvent): Promise<AuditEvent> {
    const appended = await appendAudit(db, event);
    this.#updates.push({ type: 'audit', event: appended });
    return appended;
  }

  /** Several events in one statement, in the order given. */
  async audits(db: Database, events: readonly NewAuditEvent[]): Promise<AuditEvent[]> {
    const appended = await appendAudits(db, events);
    for (const event of appended) this.#updates.push({ type: 'audit', event });
    return appended;
  }

  async transition(
    db: Database,
    id: string,
    from: readonly PromotionStatus[],
    to: PromotionStatus,
    fields: TransitionFields = {},
  ): Promise<Promotion> {
    const promotion = await transition(db, id, from, to, fields);
    // The compare-and-set succeeded, so with a single `from` that is the status it left.
    this.#updates.push({ type: 'status', promotion, previous: from.length === 1 ? from[0] : undefined });
    return promotion;
  }

  /** A promotion that came into being (accept, rerun, rollback): its first status. */
  created(promotion: Promotion): void {
    this.#updates.push({ type: 'status', promotion, previous: null });
  }

  publish(events: PromotionEvents): void {
    for (const update of this.#updates.splice(0)) events.publish(update);
  }
}
