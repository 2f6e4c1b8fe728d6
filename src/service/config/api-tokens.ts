/**
 * API tokens: ferry.yaml stores only their SHA-256, so the file can be read by anyone who may read the
 * deployment. A fast hash is enough here, unlike for passwords: tokens are long random strings
 * (e.g. `openssl rand -hex 32`), so there is nothing to brute-force; what matters is that a leaked
 * ConfigMap does not leak usable tokens.
 *
 * Role matrix (`roleAllows`). Not a strict hierarchy on purpose: an approver can view and approve but not
 * request promotions, so the identity that pushes a change and the one that lets it into production stay
 * different people unless someone is deliberately made admin.
 *
 *   action    viewer  promoter  approver  admin
 *   view        ✓        ✓         ✓        ✓     read promotions, their timeline and event stream
 *   promote              ✓                  ✓     request a promotion (API trigger), rerun, rollback,
 *                                                 cancel one this token requested
 *   approve                        ✓        ✓     approve or reject a pending promotion
 *   admin                                   ✓     cancel a promotion someone else requested (another
 *                                                 token, a webhook, a registry event)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiTokenConfig, FerryConfig, Role } from './schema.ts';

export const ACTIONS = ['view', 'promote', 'approve', 'admin'] as const;
export type Action = (typeof ACTIONS)[number];

const ROLE_ACTIONS: Readonly<Record<Role, readonly Action[]>> = {
  viewer: ['view'],
  promoter: ['view', 'promote'],
  approver: ['view', 'approve'],
  admin: ['view', 'promote', 'approve', 'admin'],
};

/** Whether `role` may perform `action` (see the matrix above). */
export function roleAllows(role: Role, action: Action): boolean {
  return ROLE_ACTIONS[role].includes(action);
}

/** Lowercase hex SHA-256 of the token, the form ferry.yaml stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface TokenIdentity {
  readonly name: string;
  readonly role: Role;
  /** Rules this token may promote/approve for; undefined = all. */
  readonly promotions?: readonly string[] | undefined;
}

/**
 * The configured token whose hash matches `presented`, or undefined. Every configured hash is compared,
 * in constant time and without stopping at a match, so response timing says nothing about which entry
 * (or how much of one) matched. The schema makes hashes unique, so at most one entry matches.
 */
export function findToken(
  config: Pick<FerryConfig, 'apiTokens'>,
  presented: string,
): TokenIdentity | undefined {
  const digest = createHash('sha256').update(presented, 'utf8').digest();
  let found: ApiTokenConfig | undefined;
  for (const entry of config.apiTokens) {
    const configured = Buffer.from(entry.sha256, 'hex');
    // Both are 32 bytes (the schema guarantees 64 hex digits), as timingSafeEqual requires.
    const equal = configured.length === digest.length && timingSafeEqual(configured, digest);
    if (equal) found = entry;
  }
  if (found === undefined) return undefined;
  return { name: found.name, role: found.role, promotions: found.promotions };
}
