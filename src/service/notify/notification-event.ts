/**
 * What a notify target receives: the Standard Webhooks recommended envelope ("Payload structure":
 * `type`, `timestamp`, `data`) around a promotion's public fields. Pure: the notifier decides when and
 * where to send it.
 *
 *   { "type": "promotion.succeeded", "timestamp": "<ISO 8601>",
 *     "data": { id, rule, status, reason, source: {environment, registry, repository, tag, digest},
 *               destination: {environment, registry, repository, tag}, resultDigest, requestedBy,
 *               bytes: {copied, mounted, skipped}, url? } }
 *
 * Only fields a receiver can act on: no trigger delivery ids, labels or attempt counters, which could
 * carry CI-internal values the operator never meant to forward to a chat channel.
 */
import type { NotifyEvent } from '../config/schema.ts';
import type { ByteCounts, Promotion, PromotionStatus } from '../store/promotion.ts';

/** Events the notifier emits: exactly those a target can subscribe to (the config's NOTIFY_EVENTS). */
export type NotificationEvent = NotifyEvent;

export type NotificationType = `promotion.${NotificationEvent}`;

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

export interface NotificationData {
  readonly id: string;
  readonly rule: string;
  readonly status: PromotionStatus;
  readonly reason: string | null;
  readonly source: {
    readonly environment: string | null;
    readonly registry: string;
    readonly repository: string;
    readonly tag: string | null;
    readonly digest: string;
  };
  readonly destination: {
    readonly environment: string | null;
    readonly registry: string;
    readonly repository: string;
    readonly tag: string;
  };
  readonly resultDigest: string | null;
  readonly requestedBy: string;
  readonly bytes: ByteCounts;
  /** Link to the promotion (ferry's public URL); absent when `server.publicUrl` is not configured. */
  readonly url?: string;
}

export interface NotificationBody {
  readonly type: NotificationType;
  /** When the event was emitted (not when this attempt was sent: the body is the same on every retry). */
  readonly timestamp: string;
  readonly data: NotificationData;
}

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
