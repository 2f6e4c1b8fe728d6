/**
 * `auth:` in ferry.yaml — how people sign in to the dashboard and what they may do:
 *
 *   auth:
 *     oidc:
 *       issuer: https://login.example.com/realms/corp     # discovery: <issuer>/.well-known/openid-configuration
 *       clientId: ferry
 *       clientSecret: { file: /run/secrets/ferry-oidc }   # a secret reference, like every secret here
 *       redirectUrl: https://ferry.example.com/auth/callback   # default: server.publicUrl + /auth/callback
 *       scopes: [openid, email, profile, groups]          # default [openid, email, profile]
 *       groupsClaim: groups                                # default "groups"; dotted for nested (realm_access.roles)
 *       caFile: /etc/ferry/corp-ca.pem                    # extra CA for the issuer's TLS certificate
 *       roles:
 *         viewer:   { anyone: true }
 *         approver: { groups: [release-managers], promotions: [payments] }
 *         admin:    { emails: [carol@example.com] }
 *     session:
 *       key: { file: /run/secrets/ferry-session-key }     # default: generated into <dataDir>/session.key
 *       ttlSeconds: 28800                                  # default 8 hours
 *
 * Each role takes one matcher or a list of them; a person gets the role (with the matcher's
 * `promotions` scope, as for API tokens) when any of its `groups`, `emails` or `subjects` matches, or
 * `anyone: true`. Someone no matcher names signs in with no role and can do nothing.
 *
 * The issuer must be https://, except on loopback (a local identity provider for a demo or a test).
 */
import { z } from 'zod';
import { ROLES, type Role } from '../../api/identity.ts';
import type { SchemaParts, SecretRefShape as SecretRef } from './schema-parts.ts';

/** RFC 6749 §3.3 scope-token: printable ASCII without space, `"` or `\`. */
const SCOPE_RE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const CLAIM_PATH_RE = /^[A-Za-z0-9_:\-/]+(\.[A-Za-z0-9_:\-/]+)*$/;

export const DEFAULT_SCOPES = ['openid', 'email', 'profile'] as const;
export const DEFAULT_GROUPS_CLAIM = 'groups';
export const DEFAULT_SESSION_TTL_SECONDS = 8 * 3600;

/** Whether `host` (a URL's hostname) is a loopback address or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** Why `value` cannot be an issuer, or undefined. */
export function checkIssuer(value: string): string | undefined {
  if (!URL.canParse(value)) return 'must be an absolute https:// URL';
  const url = new URL(value);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'must be https:// (plain http:// only for a provider on loopback, e.g. http://127.0.0.1:9000)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https:// URL';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.search !== '' || url.hash !== '')
    return 'must not have a query or fragment (OpenID Connect Discovery §2)';
  return undefined;
}

export function authSchema({ secretRef, filePath, name }: SchemaParts) {
  const matcher = z
    .strictObject({
      // Values of the groups claim (`groupsClaim`), compared exactly.
      groups: z.array(z.string().min(1)).min(1, 'groups is empty; remove it').optional(),
      // Values of the `email` claim, compared case-insensitively; only when the provider does not say
      // `email_verified: false`.
      emails: z
        .array(z.email('must be an email address').transform((email) => email.toLowerCase()))
        .min(1, 'emails is empty; remove it')
        .optional(),
      // `sub` claims: the one identifier a provider never reassigns.
      subjects: z.array(z.string().min(1)).min(1, 'subjects is empty; remove it').optional(),
      // Everyone who signs in (e.g. viewer for the whole company).
      anyone: z.literal(true, 'anyone can only be true; remove it otherwise').optional(),
      // Restrict promote/approve/admin to these rules, as apiTokens[].promotions. Default: every rule.
      promotions: z.array(name).min(1, 'promotions is empty; remove it to allow every rule').optional(),
    })
    .check((ctx) => {
      const v = ctx.value;
      if (
        v.groups === undefined &&
        v.emails === undefined &&
        v.subjects === undefined &&
        v.anyone === undefined
      ) {
        ctx.issues.push({
          code: 'custom',
          message: 'names nobody: give groups, emails, subjects or anyone: true',
          input: ctx.value,
        });
      }
    });

  // One matcher or a list: a single one is read as a list of one, so its problems are reported as
  // the matcher's own (a union would only say "invalid value").
  const matchers = z.preprocess(
    (value) => (Array.isArray(value) || value === undefined ? value : [value]),
    z.array(matcher).min(1, 'is empty; remove the role'),
  );

  const roles = z
    .strictObject(Object.fromEntries(ROLES.map((role) => [role, matchers.optional()])))
    .default({});

  const oidc = z.strictObject({
    // The provider's issuer URL (`iss`); ferry reads <issuer>/.well-known/openid-configuration.
    issuer: z
      .string()
      .check((ctx) => {
        const reason = checkIssuer(ctx.value);
        if (reason !== undefined) ctx.issues.push({ code: 'custom', message: reason, input: ctx.value });
      })
      .transform((url) => url.replace(/\/+$/, '')),
    clientId: z.string().min(1, 'clientId is empty'),
    // Omit for a public client (PKCE only), e.g. a provider that issues no secret to ferry.
    clientSecret: secretRef.optional(),
    // Where the provider sends the browser back. Default: server.publicUrl + /auth/callback.
    redirectUrl: z
      .url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL ending in /auth/callback' })
      .check((ctx) => {
        if (URL.canParse(ctx.value) && new URL(ctx.value).pathname !== '/auth/callback') {
          ctx.issues.push({ code: 'custom', message: 'must end in /auth/callback', input: ctx.value });
        }
      })
      .optional(),
    scopes: z
      .array(z.string().regex(SCOPE_RE, 'is not an OAuth scope (RFC 6749 §3.3)'))
      .min(1)
      .check((ctx) => {
        if (!ctx.value.includes('openid')) {
          ctx.issues.push({ code: 'custom', message: 'must include "openid"', input: ctx.value });
        }
      })
      .default([...DEFAULT_SCOPES]),
    groupsClaim: z
      .string()
      .regex(CLAIM_PATH_RE, 'must be a claim name, dotted for a nested claim (realm_access.roles)')
      .default(DEFAULT_GROUPS_CLAIM),
    // PEM CA bundle added to the system roots for the provider's TLS certificate.
    caFile: filePath.optional(),
    roles,
  });

  const session = z
    .strictObject({
      // Master key of the session cookies, at least 32 characters (openssl rand -base64 32). Needed when
      // several replicas serve the dashboard. Default: generated once into <dataDir>/session.key.
      key: secretRef.optional(),
      // How long a sign-in lasts. Default 8 hours.
      ttlSeconds: z
        .int()
        .min(60, 'must be at least 60 seconds')
        .max(30 * 86400, 'must be at most 30 days')
        .default(DEFAULT_SESSION_TTL_SECONDS),
    })
    .prefault({});

  const auth = z.strictObject({ oidc: oidc.optional(), session }).prefault({});

  return auth;
}

/** One matcher of `auth.oidc.roles.<role>` as parsed. */
export interface RoleMatcher {
  readonly groups?: readonly string[] | undefined;
  /** Lower-cased. */
  readonly emails?: readonly string[] | undefined;
  readonly subjects?: readonly string[] | undefined;
  readonly anyone?: true | undefined;
  readonly promotions?: readonly string[] | undefined;
}

export type RoleMapping = Readonly<Partial<Record<Role, readonly RoleMatcher[]>>>;

export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret?: SecretRef | undefined;
  readonly redirectUrl?: string | undefined;
  readonly scopes: readonly string[];
  readonly groupsClaim: string;
  readonly caFile?: string | undefined;
  readonly roles: RoleMapping;
}

export interface SessionConfig {
  readonly key?: SecretRef | undefined;
  readonly ttlSeconds: number;
}

export interface AuthConfig {
  readonly oidc?: OidcConfig | undefined;
  readonly session: SessionConfig;
}
