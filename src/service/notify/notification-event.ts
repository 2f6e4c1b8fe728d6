/**
 * What a notify target receives, built from a promotion: the body is declared with the API contract
 * (api/notification.ts, also the OpenAPI document's `webhooks.promotionEvent`). Pure: the notifier
 * decides when and where to send it.
 */
import type {
  NotificationBody,
  NotificationData,
  NotificationType,
  NotifyEvent,
} from '../../api/notification.ts';
import type { Promotion, PromotionStatus } from '../store/promotion.ts';

/** Events the notifier emits: exactly those a target can subscribe to (the config's NOTIFY_EVENTS). */
export type NotificationEvent = NotifyEvent;

export type { NotificationType };

/** The event a promotion's current status announces; undefined for states nobody subscribes to (running). */
const EVENT_OF_STATUS: Readonly<Partial<Record<PromotionStatus, NotificationEvent>>> = {
  queued: 'requested',
  awaiting_approval: 'awaiting-approval',
  succeeded: 'succeeded',
  failed: 'failed',
  rejected: 'rejected',
  cancelled: 'cancelled',
};

export function eventForStatus(status: PromotionStatus): NotificationEvent | undefined {
  return EVENT_OF_STATUS[status];
}

export type { NotificationBody, NotificationData };

export interface NotificationBodyOptions {
  readonly at: Date;
  readonly url?: string | undefined;
}

export function buildNotificationBody(
  promotion: Promotion,
  event: NotificationEvent,
  options: NotificationBodyOptions,
): NotificationBody {
  const { source, destination } = promotion;
  return {
    type: `promotion.${event}`,
    timestamp: options.at.toISOString(),
    data: {
      id: promotion.id,
      rule: promotion.rule,
      status: promotion.status,
      reason: promotion.reason,
      source: {
        environment: source.environment,
        registry: source.registry,
        repository: source.repository,
        tag: source.tag,
        digest: source.digest,
      },
      destination: {
        environment: destination.environment,
        registry: destination.registry,
        repository: destination.repository,
        tag: destination.tag,
      },
      resultDigest: promotion.resultDigest,
      requestedBy: promotion.requestedBy,
      bytes: {
        copied: promotion.bytes.copied,
        mounted: promotion.bytes.mounted,
        skipped: promotion.bytes.skipped,
      },
      ...(options.url === undefined ? {} : { url: options.url }),
    },
  };
}
