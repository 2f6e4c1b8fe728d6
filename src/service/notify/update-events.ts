/**
 * Which notification events a promotion update announces. Derived from status changes (never from
 * audit events, which carry no promotion to describe), with the status the promotion left telling
 * moments apart that end in the same status:
 *
 *   created (previous null)                  requested, and awaiting-approval when it must wait
 *   awaiting_approval → queued               approved (the approval that reached the required number)
 *   → succeeded | failed | rejected | cancelled   the outcome
 *
 * A retry or an interrupted run going back to queued announces nothing: receivers hear about a
 * promotion's milestones, not its attempts.
 */
import type { PromotionUpdate } from '../promote/promotion-service.ts';
import { TERMINAL_STATUSES } from '../store/promotion.ts';
import { eventForStatus, type NotificationEvent } from './notification-event.ts';

export function eventsForUpdate(update: PromotionUpdate): NotificationEvent[] {
  if (update.type !== 'status') return [];
  const { promotion, previous } = update;
  if (previous === null) {
    return promotion.status === 'awaiting_approval' ? ['requested', 'awaiting-approval'] : ['requested'];
  }
  if (previous === 'awaiting_approval' && promotion.status === 'queued') return ['approved'];
  if (TERMINAL_STATUSES.includes(promotion.status)) {
    const event = eventForStatus(promotion.status);
    return event === undefined ? [] : [event];
  }
  return [];
}
