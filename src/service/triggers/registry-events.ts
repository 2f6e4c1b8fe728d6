/**
 * Registry push-event triggers: CNCF distribution notifications and Harbor webhooks. Both registries
 * authenticate their deliveries with a static header configured on the registry side, compared here in
 * constant time.
 */
import { secretEquals } from './constant-time.ts';

export {
  DISTRIBUTION_EVENTS_MEDIA_TYPES,
  parseDistributionEvents,
} from './distribution-events.ts';
export { HARBOR_PUSH_EVENT, parseHarborEvent } from './harbor-events.ts';
export {
  isAttachmentTag,
  PROMOTABLE_MEDIA_TYPES,
  type RegistryEventOptions,
} from './registry-event-filters.ts';

/**
 * Whether the received header value (e.g. `Authorization`) equals the configured one. Hashing inside
 * secretEquals keeps the comparison constant-time regardless of lengths. An empty configured value never
 * matches, so a missing setting cannot turn into "no authentication".
 */
export function staticHeaderMatches(received: string | undefined, expected: string): boolean {
  if (expected === '' || received === undefined) return false;
  return secretEquals(received.trim(), expected);
}
