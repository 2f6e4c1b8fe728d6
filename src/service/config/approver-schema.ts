/**
 * One entry of a rule's `approvals.approvers`: who may decide on that rule's promotions, as an API
 * token or as people signed in with OpenID Connect.
 *
 *   approvers:
 *     - release-bot                     # an API token, by name (as before people could sign in)
 *     - token: deploy-bot               # the same, spelt out
 *     - group: release-managers         # anyone whose groups claim holds this value
 *     - email: carol@example.com        # compared case-insensitively; never an unverified address
 *     - subject: 00u1a2b3c4d5e6f7g8h9   # the provider's `sub`: one person, whatever their address
 *
 * People still need a role that may approve (auth.oidc.roles: approver or admin, scoped to the rule);
 * the list narrows who among them may. Entries match as auth.oidc.roles matchers do (role-mapping.ts).
 */
import { z } from 'zod';
import type { RoleMatcher } from './auth-schema.ts';
import type { SchemaParts } from './schema-parts.ts';

export const APPROVER_KINDS = ['token', 'group', 'email', 'subject'] as const;
export type ApproverKind = (typeof APPROVER_KINDS)[number];

export interface ApproverEntry {
  readonly kind: ApproverKind;
  /** Token name, group, lower-cased email or subject. */
  readonly value: string;
}

export function approverEntrySchema({ name }: Pick<SchemaParts, 'name'>) {
  const person = z.string().min(1, 'is empty');
  const entry = z
    .strictObject({
      token: name.optional(),
      group: person.optional(),
      email: z
        .email('must be an email address')
        .transform((email) => email.toLowerCase())
        .optional(),
      subject: person.optional(),
    })
    .check((ctx) => {
      const keys = APPROVER_KINDS.filter((kind) => ctx.value[kind] !== undefined);
      if (keys.length !== 1) {
        ctx.issues.push({
          code: 'custom',
          message: `must name one approver: one of ${APPROVER_KINDS.join(', ')}${keys.length > 1 ? ` (not ${keys.join(' and ')})` : ''}`,
          input: ctx.value,
        });
      }
    })
    .transform((value): ApproverEntry => {
      const kind = APPROVER_KINDS.find((k) => value[k] !== undefined) ?? 'token';
      return { kind, value: value[kind] ?? '' };
    });
  // A plain string is a token name, as `approvers` was before people could sign in.
  return z.preprocess((value) => (typeof value === 'string' ? { token: value } : value), entry);
}

/** How the rules view and messages show an entry: the token name, or `group:release-managers`. */
export function formatApprover(entry: ApproverEntry): string {
  return entry.kind === 'token' ? entry.value : `${entry.kind}:${entry.value}`;
}

/** The entry as an auth.oidc.roles matcher (role-mapping.ts), for people; undefined for a token. */
export function approverMatcher(entry: ApproverEntry): RoleMatcher | undefined {
  switch (entry.kind) {
    case 'group':
      return { groups: [entry.value] };
    case 'email':
      return { emails: [entry.value] };
    case 'subject':
      return { subjects: [entry.value] };
    case 'token':
      return undefined;
  }
}

/** Every group the rules' approvers name: a session must keep these from the groups claim. */
export function approverGroups(
  rules: readonly { readonly approvals: { readonly approvers?: readonly ApproverEntry[] | undefined } }[],
): string[] {
  return rules.flatMap((rule) =>
    (rule.approvals.approvers ?? []).filter((e) => e.kind === 'group').map((e) => e.value),
  );
}
