/**
 * Drops `undefined` members, so PromotionRequests built from optional input compare with deepEqual and
 * serialise into the queue and audit log without empty keys.
 */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
