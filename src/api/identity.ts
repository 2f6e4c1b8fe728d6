/**
 * Who is calling, as `GET /api/v1/me` tells it: the identity (a person signed in with OpenID Connect or
 * a one-time demo link, or an API token), its roles, and what those roles let it do. The dashboard
 * shows only the buttons `permissions` allows; the server enforces the same checks regardless.
 *
 * `promote` and `approve` are `"*"` for every rule, or the names of the rules the identity's scope
 * covers (per-rule scopes, ferry.yaml `promotions: [rule…]`); an empty list means none.
 */
import { z } from 'zod';

/** API roles (see docs/security.md for the matrix). Not a hierarchy: an approver cannot promote. */
export const ROLES = ['viewer', 'promoter', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const IDENTITY_KINDS = ['oidc', 'token', 'one-time'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

export const identityViewSchema = z
  .strictObject({
    subject: z.string().min(1).meta({
      description:
        'Stable id: the OpenID Connect `sub` claim, the API token name, or the one-time login id. Approvals count distinct subjects.',
    }),
    display: z.string().min(1).meta({
      description:
        'How the audit trail names this identity: `alice@example.com (oidc)`, a token name as is, `demo (one-time)`.',
    }),
    key: z.string().min(1).meta({
      description:
        'The identity as approvals and a promotion’s `requesterKey` record it: the token name, `oidc:<sub>`, `one-time:<id>`.',
    }),
    kind: z.enum(IDENTITY_KINDS),
    email: z
      .string()
      .nullable()
      .meta({ description: 'The `email` claim, when the identity provider sent one.' }),
    name: z
      .string()
      .nullable()
      .meta({ description: 'The `name` claim, when the identity provider sent one.' }),
  })
  .meta({ description: 'The signed-in person or the API token.' });

const ruleScopeSchema = z.union([z.literal('*'), z.array(z.string())]).meta({
  description: '`"*"`: every promotion rule; otherwise the rules this identity may act on (empty: none).',
});

export const permissionsSchema = z
  .strictObject({
    view: z.boolean().meta({ description: 'May read promotions, releases, rules and the audit trail.' }),
    promote: ruleScopeSchema,
    approve: ruleScopeSchema,
    admin: z.boolean().meta({ description: 'May cancel promotions another identity requested.' }),
  })
  .meta({ description: 'What the roles allow, so a client can show only the actions that will work.' });

export const meSchema = z
  .strictObject({
    identity: identityViewSchema,
    roles: z.array(z.enum(ROLES)),
    permissions: permissionsSchema,
    csrfToken: z.string().nullable().meta({
      description:
        'Send it as `X-Ferry-CSRF` with every POST made with the session cookie. null for bearer-token callers (they need none).',
    }),
  })
  .meta({ description: 'The calling identity, its roles and permissions.' });

export type IdentityView = z.output<typeof identityViewSchema>;
export type Permissions = z.output<typeof permissionsSchema>;
export type MeBody = z.output<typeof meSchema>;
