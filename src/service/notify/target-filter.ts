import type { NotifyTarget } from '../config/schema.ts';
import type { NotificationEvent } from './notification-event.ts';

/** Targets subscribed to `event` (`events`) for promotions of `rule` (`promotions`, when set). */
export function targetsFor(
  targets: readonly NotifyTarget[],
  rule: string,
  event: NotificationEvent,
): NotifyTarget[] {
  return targets.filter(
    (target) =>
      (target.events as readonly string[]).includes(event) &&
      (target.promotions === undefined || target.promotions.includes(rule)),
  );
}
