/**
 * From a signed-in person's claims to grants (config/identity.ts), by `auth.oidc.roles`. Pure: the HTTP
 * layer calls it on every request with the claims the session cookie holds, so a change of ferry.yaml
 * applies at once.
 *
 * Matching rules, chosen to fail closed:
 *   groups    exact, case-sensitive (directory group names and ids are opaque strings)
 *   emails    case-insensitive, and only when the provider did not say `email_verified: false` (some
 *             providers let users type any address; say `subjects` or `groups` for those)
 *   subjects  exact `sub`
 *   anyone    every signed-in person
 */
import type { Role } from '../../api/identity.ts';
import type { RoleMapping, RoleMatcher } from './auth-schema.ts';
import type { Grant } from './identity.ts';

/** What role mapping looks at. */
export interface MappedClaims {
  readonly subject: string;
  readonly email?: string | undefined;
  /** False only when the provider said `email_verified: false`. */
  readonly emailVerified?: boolean | undefined;
  readonly groups?: readonly string[] | undefined;
}

/** Whether one matcher (of a role, or a rule's approvers entry) names the person. */
export function matchesClaims(matcher: RoleMatcher, claims: MappedClaims): boolean {
  if (matcher.anyone === true) return true;
  if (matcher.subjects?.includes(claims.subject) === true) return true;
  const email = claims.email?.toLowerCase();
  if (email !== undefined && claims.emailVerified !== false && matcher.emails?.includes(email) === true)
    return true;
  const groups = claims.groups ?? [];
  return matcher.groups?.some((group) => groups.includes(group)) === true;
}

/** One grant per matching matcher (its role and `promotions` scope). */
export function grantsForClaims(roles: RoleMapping, claims: MappedClaims): Grant[] {
  const grants: Grant[] = [];
  for (const [role, matchers] of Object.entries(roles) as [Role, readonly RoleMatcher[] | undefined][]) {
    for (const matcher of matchers ?? []) {
      if (matchesClaims(matcher, claims)) grants.push({ role, promotions: matcher.promotions });
    }
  }
  return grants;
}

/** Every group the mapping names: the only ones worth keeping in a session cookie. */
export function mappedGroups(roles: RoleMapping): ReadonlySet<string> {
  return new Set(
    Object.values(roles).flatMap((matchers) => (matchers ?? []).flatMap((matcher) => matcher.groups ?? [])),
  );
}
