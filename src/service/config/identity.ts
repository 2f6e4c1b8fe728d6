/**
 * Who acts through the API: an API token, a person signed in with OpenID Connect, or the one-time demo
 * login. All three are checked the same way: an identity holds grants (a role, optionally limited to
 * some promotion rules), and may do what any of its grants allows (roleAllows matrix, api-tokens.ts).
 * A token has exactly one grant (its `role` and `promotions`); a person has one per `auth.oidc.roles`
 * entry their claims match, so an approver for one team can be a viewer everywhere else.
 *
 * `subject` is the identity's own id (token name, OpenID Connect `sub`, one-time login id); `actorKey`
 * makes it unique across kinds, and approvals count distinct keys. `display` is how the audit trail and
 * promotion views name it. For tokens key, subject and display are the token name, as before.
 */
import type { IdentityKind, IdentityView, Permissions, Role } from '../../api/identity.ts';
import { type Action, roleAllows, type TokenIdentity } from './api-tokens.ts';

export interface Grant {
  readonly role: Role;
  /** Rules this grant covers for promote/approve/admin; undefined = all. */
  readonly promotions?: readonly string[] | undefined;
}

export interface Identity {
  readonly kind: IdentityKind;
  /** Token name, OpenID Connect `sub`, or the one-time login id. */
  readonly subject: string;
  /** `alice@example.com (oidc)`, a token name, `demo (one-time)`. */
  readonly display: string;
  readonly email?: string | undefined;
  readonly name?: string | undefined;
  /** False only when the provider said `email_verified: false` (people). */
  readonly emailVerified?: false | undefined;
  /** The groups a session kept (those ferry.yaml names: roles, rules' approvers). */
  readonly groups?: readonly string[] | undefined;
  readonly grants: readonly Grant[];
}

export function tokenIdentity(token: TokenIdentity): Identity {
  return {
    kind: 'token',
    subject: token.name,
    display: token.name,
    grants: [{ role: token.role, promotions: token.promotions }],
  };
}

/**
 * The key approvals and requests are recorded under: the token name for tokens (unchanged from before
 * sessions existed), `oidc:<sub>` and `one-time:<id>` otherwise. Token names cannot contain `:`
 * (config NAME_RE), so no token can pose as a person.
 */
export function actorKey(identity: Pick<Identity, 'kind' | 'subject'>): string {
  return identity.kind === 'token' ? identity.subject : `${identity.kind}:${identity.subject}`;
}

function grantAllows(grant: Grant, action: Action, rule: string | undefined): boolean {
  if (!roleAllows(grant.role, action)) return false;
  if (rule === undefined || grant.promotions === undefined) return true;
  return grant.promotions.includes(rule);
}

/**
 * Whether `identity` may perform `action`. Pass `rule` for anything concerning one promotion rule: a
 * grant scoped to other rules does not count then. Without `rule`, any grant with the role suffices
 * (the route checks the rule once it knows it).
 */
export function identityAllows(identity: Identity, action: Action, rule?: string): boolean {
  return identity.grants.some((grant) => grantAllows(grant, action, rule));
}

/** The distinct roles of the grants, in matrix order. */
export function rolesOf(identity: Identity): Role[] {
  const order: readonly Role[] = ['viewer', 'promoter', 'approver', 'admin'];
  return order.filter((role) => identity.grants.some((grant) => grant.role === role));
}

/** `"*"` when some grant allows `action` for every rule, else the union of the scoped grants' rules. */
function scopeOf(identity: Identity, action: Action): '*' | string[] {
  const grants = identity.grants.filter((grant) => roleAllows(grant.role, action));
  if (grants.some((grant) => grant.promotions === undefined)) return '*';
  return [...new Set(grants.flatMap((grant) => grant.promotions ?? []))].sort();
}

/** What `GET /api/v1/me` reports, derived from the same checks the routes make. */
export function permissionsOf(identity: Identity): Permissions {
  return {
    view: identityAllows(identity, 'view'),
    promote: scopeOf(identity, 'promote'),
    approve: scopeOf(identity, 'approve'),
    admin: identityAllows(identity, 'admin'),
  };
}

export function identityView(identity: Identity): IdentityView {
  return {
    subject: identity.subject,
    display: identity.display,
    key: actorKey(identity),
    kind: identity.kind,
    email: identity.email ?? null,
    name: identity.name ?? null,
  };
}
