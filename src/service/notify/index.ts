/** Outbound, Standard Webhooks-signed notifications of promotion outcomes (see notifier.ts). */
export { createDeliveryQueue, type DeliveryQueue, type QueueTask } from './delivery-queue.ts';
export {
  buildNotificationBody,
  eventForStatus,
  type NotificationBody,
  type NotificationData,
  type NotificationEvent,
  type NotificationType,
} from './notification-event.ts';
export {
  createNotifier,
  type Notifier,
  type NotifierConfig,
  type NotifierOptions,
  type NotifyLogger,
} from './notifier.ts';
export { NotifyError, NotifyErrorCode, type NotifyErrorCodeValue } from './notify-error.ts';
export { targetsFor } from './target-filter.ts';
export { notificationWebhookId } from './webhook-id.ts';
