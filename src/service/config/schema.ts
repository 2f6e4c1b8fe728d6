/**
 * The schema of `ferry.yaml`, the production service's configuration. Every object is strict (an unknown
 * key is an error naming the key: a typo like `immutableTag:` must not silently leave a default in
 * force), every default is written here, and every key says what it is for.
 *
 * Shapes the schema is responsible for (one value in isolation): types, enums, name and host grammar,
 * repository patterns, tag regexes, "exactly one of" choices. Relations *between* parts (a rule naming
 * an undefined environment, duplicate names, approvers that cannot approve) are checked by
 * check-references.ts; files and environment variables by check-sources.ts.
 *
 * File paths are resolved against `baseDir` (the directory of ferry.yaml) while parsing, so the parsed
 * config holds absolute paths and nothing downstream depends on the process's working directory.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { NOTIFY_EVENTS, type NotifyEvent } from '../../api/notification.ts';
import { DEFAULT_TOKEN_USERNAME } from '../../auth/token-file-keychain.ts';
import { TAG_RE } from '../../reference/grammar.ts';
import { checkRegistryHost } from './registry-hosts.ts';
import {
  checkRepositoryPattern,
  ENVIRONMENT_NAME_RE,
  type EnvironmentPattern,
  splitEnvironmentPattern,
  wildcardsOf,
} from './repository-pattern.ts';

/** API token roles; what each may do is api-tokens.ts `roleAllows`. */
export const ROLES = ['viewer', 'promoter', 'approver', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Promotion lifecycle events a notify target can subscribe to (part of the API contract). */
export { NOTIFY_EVENTS, type NotifyEvent };

/** Names of rules, tokens and notify targets: they end up in URLs, audit records and metric labels. */
export const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const NAME_RULE =
  'lowercase letters, digits, ".", "_", "-", starting with a letter or digit, at most 63 characters';

/** POSIX-portable environment variable names. */
const ENV_VAR_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** sha256("") — a hash every empty Authorization header would match. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface ConfigSchemaOptions {
  /** Directory relative file paths are resolved against (the directory of ferry.yaml). */
  readonly baseDir: string;
}

/** Why `value` does not set exactly one of `keys`, or undefined if it does; `what` names the choice. */
function exactlyOne(
  value: Record<string, unknown>,
  keys: readonly string[],
  what: string,
): string | undefined {
  const given = keys.filter((key) => value[key] !== undefined);
  if (given.length === 1) return undefined;
  if (given.length === 0) return `${what} needs one of: ${keys.join(', ')}`;
  return `${what} takes exactly one of ${keys.join(', ')} (got ${given.join(' and ')})`;
}

function httpUrl(what: string) {
  return z.string().check((ctx) => {
    const reason = checkHttpUrl(ctx.value);
    if (reason !== undefined)
      ctx.issues.push({ code: 'custom', message: `${what} ${reason}`, input: ctx.value });
  });
}

function checkHttpUrl(value: string): string | undefined {
  if (!URL.canParse(value)) return 'must be an absolute http(s) URL';
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http:// or https:// URL';
  // A URL with credentials would put a secret into a file meant to be readable (a ConfigMap).
  if (url.username !== '' || url.password !== '') {
    return 'must not contain credentials ("user:password@"); use a secret reference';
  }
  if (url.hash !== '') return 'must not contain a fragment ("#…")';
  return undefined;
}

/**
 * Builds the schemas. A factory rather than constants only because file paths resolve against the
 * config file's directory; the shapes never depend on options.
 */
export function configSchemas(options: ConfigSchemaOptions) {
  const filePath = z
    .string()
    .min(1, 'file path is empty')
    .transform((path) => (isAbsolute(path) ? path : resolve(options.baseDir, path)));

  const name = z.string().regex(NAME_RE, `must be ${NAME_RULE}`);

  const registryHost = z.string().check((ctx) => {
    const reason = checkRegistryHost(ctx.value);
    if (reason !== undefined) ctx.issues.push({ code: 'custom', message: reason, input: ctx.value });
  });

  /**
   * Where a secret comes from — exactly one of:
   *   file:  path, read again at every use (Kubernetes Secret volumes and projected tokens rotate in place)
   *   env:   environment variable name (e.g. from a Secret via `envFrom`)
   *   value: the secret inline; only for local experiments (the loader warns), never in a shared file
   */
  const secretRef = z
    .strictObject({
      file: filePath.optional(),
      env: z
        .string()
        .regex(ENV_VAR_RE, 'must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)')
        .optional(),
      value: z.string().min(1, 'inline secret is empty').optional(),
    })
    .check((ctx) => {
      const reason = exactlyOne(ctx.value, ['file', 'env', 'value'], 'a secret reference');
      if (reason !== undefined) ctx.issues.push({ code: 'custom', message: reason, input: undefined });
    })
    .transform((ref): SecretRefShape => {
      if (ref.file !== undefined) return { file: ref.file };
      if (ref.env !== undefined) return { env: ref.env };
      return { value: ref.value ?? '' };
    });

  const tls = z
    .strictObject({
      // Verify the registry's certificate. false = no verification *and* plain HTTP allowed (skopeo's
      // --tls-verify=false); only for a registry you cannot give a CA for. Default true.
      verify: z.boolean().default(true),
      // PEM bundle of extra CAs to trust for this registry, added to the system roots (e.g. the
      // cluster's service CA, /var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt).
      caFile: filePath.optional(),
      // containers-certs.d(5)-style directory: *.crt CAs, client.cert + client.key for mutual TLS.
      certDir: filePath.optional(),
    })
    .prefault({});

  /**
   * How ferry authenticates to a registry — exactly one source:
   *   tokenFile (+ username, default "ferry"): a service-account token file, the password of a basic
   *     credential (what OpenShift's registry expects); re-read at every token exchange
   *   username + password: basic credentials, password a secret reference (robot accounts)
   *   authFile: a containers auth.json / docker config.json (credential helpers included)
   *   registryToken: a bearer token sent as-is (skopeo --registry-token)
   *   anonymous: true: no credentials (public registries)
   */
  const credentials = z
    .strictObject(
      {
        tokenFile: filePath.optional(),
        username: z.string().min(1, 'username is empty').optional(),
        password: secretRef.optional(),
        authFile: filePath.optional(),
        registryToken: secretRef.optional(),
        anonymous: z
          .literal(true, 'set "anonymous: true", or remove it and configure credentials')
          .optional(),
      },
      {
        error: (issue) =>
          issue.code === 'invalid_type' && issue.input === undefined
            ? 'required key is missing (write "credentials: { anonymous: true }" for a public registry)'
            : undefined,
      },
    )
    .check((ctx) => {
      const sources = ['tokenFile', 'password', 'authFile', 'registryToken', 'anonymous'];
      const reason = exactlyOne(ctx.value, sources, 'credentials');
      if (reason !== undefined) {
        ctx.issues.push({ code: 'custom', message: reason, input: undefined });
        return;
      }
      const v = ctx.value;
      if (v.password !== undefined && v.username === undefined) {
        ctx.issues.push({
          code: 'custom',
          path: ['username'],
          message: 'password needs a username',
          input: undefined,
        });
      }
      if (v.username !== undefined && v.tokenFile === undefined && v.password === undefined) {
        ctx.issues.push({
          code: 'custom',
          path: ['username'],
          message: 'username only goes with tokenFile or password',
          input: undefined,
        });
      }
    })
    .transform((v): CredentialsShape => {
      if (v.tokenFile !== undefined)
        return {
          kind: 'token-file',
          tokenFile: v.tokenFile,
          username: v.username ?? DEFAULT_TOKEN_USERNAME,
        };
      if (v.password !== undefined)
        return { kind: 'basic', username: v.username ?? '', password: v.password };
      if (v.authFile !== undefined) return { kind: 'auth-file', authFile: v.authFile };
      if (v.registryToken !== undefined) return { kind: 'registry-token', registryToken: v.registryToken };
      return { kind: 'anonymous' };
    });

  const environment = z.strictObject({
    // Registry host[:port] ferry connects to, e.g. docker-registry-default.apps.nonprod.example.com.
    registry: registryHost,
    // Other names of the same registry that inbound events may use (e.g. the in-cluster service
    // image-registry.openshift-image-registry.svc:5000). Only used to recognise a source; ferry always
    // connects to `registry`. Default none.
    aliases: z.array(registryHost).default([]),
    tls,
    credentials,
    // At most this many promotions copy to this registry at once, counted across every replica sharing
    // the store (the others wait their turn). Environments naming one registry share its slots; the
    // smallest of their limits applies. Default 4.
    maxConcurrentPromotions: z.int().min(1).max(1000).default(4),
  });

  const environmentPattern = (what: 'pattern' | 'template') =>
    z.string().transform((value, ctx): EnvironmentPattern => {
      const split = splitEnvironmentPattern(value);
      const reason = typeof split === 'string' ? split : checkRepositoryPattern(split.repository);
      if (reason !== undefined || typeof split === 'string') {
        ctx.issues.push({ code: 'custom', message: `invalid repository ${what}: ${reason}`, input: value });
        return z.NEVER;
      }
      return split;
    });

  const tagPattern = z.string().check((ctx) => {
    if (ctx.value === '') {
      ctx.issues.push({
        code: 'custom',
        message: 'tag pattern is empty; write ".+" to allow any tag',
        input: '',
      });
      return;
    }
    const reason = checkTagPattern(ctx.value);
    if (reason !== undefined) ctx.issues.push({ code: 'custom', message: reason, input: ctx.value });
  });

  const promotion = z
    .strictObject({
      // Unique rule name: shown in the audit log and dashboard, used by `approvers`, token scopes, notify.
      name,
      // Free text for people reading the dashboard.
      description: z.string().optional(),
      // Source: "<environment>:<repository pattern>". `*` matches one path segment, `**` one or more
      // (at most one `**`); wildcards are whole segments. E.g. "nonprod:team-a/*".
      from: environmentPattern('pattern'),
      // Destination: "<environment>:<repository template>" with the same wildcards in the same order,
      // each replaced by what its counterpart in `from` matched. E.g. "prod:team-a/*".
      // The destination tag is always the source tag.
      to: environmentPattern('template'),
      // Regular expression the source tag must match *entirely* (anchored for you), e.g. git SHAs
      // "[0-9a-f]{7,40}". Required: what may reach production is a decision, not a default.
      tags: tagPattern,
      approvals: z
        .strictObject({
          // Distinct approvers needed before the copy starts. Default 0: promote once policy passes.
          required: z.int().min(0).default(0),
          // API token names allowed to approve for this rule. Default: every token whose role can
          // approve (approver, admin) and whose scope includes this rule.
          approvers: z.array(name).min(1, 'approvers is empty; remove it to allow every approver').optional(),
          // Whether whoever requested the promotion may approve it too. Default false (four eyes).
          allowSelfApproval: z.boolean().default(false),
        })
        .prefault({}),
      signature: z
        .strictObject({
          // Require a cosign signature (the `sha256-<hex>.sig` tag, ECDSA P-256) that verifies with one of
          // `publicKeyFiles` before promoting. Default false.
          required: z.boolean().default(false),
          // PEM public keys (cosign.pub); any one verifying suffices, so list old and new during rotation.
          publicKeyFiles: z.array(filePath).default([]),
        })
        .check((ctx) => {
          if (ctx.value.required && ctx.value.publicKeyFiles.length === 0) {
            ctx.issues.push({
              code: 'custom',
              path: ['publicKeyFiles'],
              message: 'a required signature needs at least one public key file',
              input: undefined,
            });
          }
        })
        .prefault({}),
      // Never move a destination tag: if it already points at a different digest, the promotion fails
      // (the same digest is a successful no-op). Default true.
      immutableTags: z.boolean().default(true),
      // A tag in the destination repository that ferry points at each promoted digest after writing the
      // (immutable) destination tag, e.g. "prod": what an ImageStream or a Deployment follows, and what
      // a rollback moves back. Never matched by `tags` (a source tag must not overwrite it). Default none.
      releaseTag: z
        .string()
        .regex(
          TAG_RE,
          'is not a valid tag (letters, digits, "_", ".", "-"; at most 128, not starting with "." or "-")',
        )
        .optional(),
      // Copy cosign signatures, attestations and SBOMs (`sha256-<hex>.sig/.att/.sbom` tags and OCI
      // referrers) along with the image. Default true.
      copySignatures: z.boolean().default(true),
    })
    .check((ctx) => {
      const { from, to } = ctx.value;
      const fromWildcards = wildcardsOf(from.repository).join(' ');
      const toWildcards = wildcardsOf(to.repository).join(' ');
      if (fromWildcards !== toWildcards) {
        ctx.issues.push({
          code: 'custom',
          path: ['to'],
          message: `the template must have the same wildcards in the same order as "from" (from has ${describeWildcards(fromWildcards)}, to has ${describeWildcards(toWildcards)})`,
          input: undefined,
        });
      } else if (from.environment === to.environment && from.repository === to.repository) {
        ctx.issues.push({
          code: 'custom',
          path: ['to'],
          message: 'destination is the source itself',
          input: undefined,
        });
      }
      const { releaseTag, tags } = ctx.value;
      if (releaseTag !== undefined && safeTagMatch(tags, releaseTag)) {
        ctx.issues.push({
          code: 'custom',
          path: ['releaseTag'],
          message: `"${releaseTag}" is matched by tags "${tags}": a source tag of that name would be promoted over the release tag; narrow tags or choose another release tag`,
          input: undefined,
        });
      }
    });

  const webhookTrigger = z
    .strictObject({
      // Accept this format. Default false (only the API is on by default).
      enabled: z.boolean().default(false),
      // Signing secrets; a delivery verifying with any one is accepted, so list two during rotation.
      secrets: z.array(secretRef).default([]),
    })
    .check((ctx) => {
      if (ctx.value.enabled && ctx.value.secrets.length === 0) {
        ctx.issues.push({
          code: 'custom',
          path: ['secrets'],
          message: 'an enabled webhook trigger needs at least one secret',
          input: undefined,
        });
      }
    })
    .prefault({});

  const registryEventTrigger = z
    .strictObject({
      // Accept push notifications from a registry. Default false.
      enabled: z.boolean().default(false),
      // The exact `Authorization` header value the registry is configured to send (e.g. "Bearer …"),
      // compared in constant time.
      authorization: secretRef.optional(),
      // Environment whose registry sends the events (pushes there are promotion sources).
      environment: z.string().regex(ENVIRONMENT_NAME_RE, 'must be an environment name').optional(),
    })
    .check((ctx) => {
      if (!ctx.value.enabled) return;
      for (const key of ['authorization', 'environment'] as const) {
        if (ctx.value[key] === undefined) {
          ctx.issues.push({
            code: 'custom',
            path: [key],
            message: `an enabled registry event trigger needs ${key}`,
            input: undefined,
          });
        }
      }
    })
    .prefault({});

  // POST /api/v1/promotions with an API token (role promoter or admin). Default enabled.
  const apiTrigger = z.strictObject({ enabled: z.boolean().default(true) }).prefault({});

  const triggers = z
    .strictObject({
      api: apiTrigger,
      // Standard Webhooks (webhook-id/-timestamp/-signature, secrets "whsec_…"); what `ferry trigger` sends.
      standardWebhooks: webhookTrigger,
      // GitHub-style X-Hub-Signature-256 HMAC of the body.
      github: webhookTrigger,
      // OpenShift generic webhook: the secret is the last-but-one URL path segment.
      openshift: webhookTrigger,
      // CNCF distribution registry notifications (application/vnd.docker.distribution.events.v2+json).
      distribution: registryEventTrigger,
      // Harbor webhooks (PUSH_ARTIFACT).
      harbor: registryEventTrigger,
    })
    .prefault({});

  const notifyTarget = z.strictObject({
    // Unique target name, for logs and delivery records.
    name,
    // Where events are POSTed (JSON, Standard Webhooks headers).
    url: httpUrl('url'),
    // Standard Webhooks signing secret ("whsec_…"); without it deliveries are unsigned.
    secret: secretRef.optional(),
    // Events to send. Default: all of them.
    events: z
      .array(z.enum(NOTIFY_EVENTS))
      .min(1, 'events is empty; remove it to send every event')
      .default([...NOTIFY_EVENTS]),
    // Only events of these rules. Default: every rule.
    promotions: z.array(name).min(1, 'promotions is empty; remove it to include every rule').optional(),
  });

  const apiToken = z.strictObject({
    // Unique token name: recorded as the actor in the audit log, used in `approvers`.
    name,
    // viewer | promoter | approver | admin (see api-tokens.ts for what each may do).
    role: z.enum(ROLES),
    // Hex SHA-256 of the token (`printf %s "$TOKEN" | sha256sum`); the token itself never appears here.
    sha256: z
      .string()
      .check((ctx) => {
        // The message never echoes the value: a token pasted here by mistake must not reach a log.
        if (!/^[0-9a-fA-F]{64}$/.test(ctx.value)) {
          ctx.issues.push({
            code: 'custom',
            message: 'must be the 64-character hex SHA-256 of the token, not the token itself',
            input: undefined,
          });
        } else if (ctx.value.toLowerCase() === EMPTY_SHA256) {
          ctx.issues.push({ code: 'custom', message: 'is the SHA-256 of an empty token', input: undefined });
        }
      })
      .transform((hex) => hex.toLowerCase()),
    // Restrict promote/approve to these rules. Default: every rule.
    promotions: z.array(name).min(1, 'promotions is empty; remove it to allow every rule').optional(),
  });

  const server = z
    .strictObject({
      // Address the HTTP server binds: "host:port", "[v6]:port" or ":port" (all interfaces).
      // Default "0.0.0.0:8080".
      listen: z
        .string()
        .transform((value, ctx): ListenAddress => {
          const parsed = parseListen(value);
          if (typeof parsed === 'string') {
            ctx.issues.push({ code: 'custom', message: parsed, input: value });
            return z.NEVER;
          }
          return parsed;
        })
        .prefault('0.0.0.0:8080'),
      // External base URL of ferry (approval links, notification payloads). Default: links are omitted.
      publicUrl: httpUrl('publicUrl')
        .transform((url) => url.replace(/\/+$/, ''))
        .optional(),
      // Directory for the embedded database and runtime state. Default "./ferry-data" (next to ferry.yaml).
      dataDir: filePath.prefault('./ferry-data'),
      // PostgreSQL URL (a secret: it usually holds a password). Default: the FERRY_DATABASE_URL
      // environment variable when set, else the embedded database in dataDir.
      databaseUrl: secretRef.optional(),
      // Failover: a replica renews the lease of each promotion it runs every heartbeatSeconds; when a
      // replica dies, its promotions are resumed elsewhere about leaseSeconds later (plus up to one
      // heartbeat interval and the first retry delay, 5 s). Shorter: faster failover, more database
      // writes, and a replica stalled longer than the lease (a long GC pause, a frozen VM) loses its
      // promotions to another one, which then copies them again. Defaults 15 and 5.
      leaseSeconds: z.int().min(10).max(3600).default(15),
      heartbeatSeconds: z.int().min(1).max(1200).default(5),
    })
    .check((ctx) => {
      if (ctx.value.heartbeatSeconds * 2 > ctx.value.leaseSeconds) {
        ctx.issues.push({
          code: 'custom',
          path: ['heartbeatSeconds'],
          message: `must be at most half of leaseSeconds (${ctx.value.leaseSeconds}): one late heartbeat must not lose the lease`,
          input: ctx.value.heartbeatSeconds,
        });
      }
    })
    .prefault({});

  const config = z.strictObject({
    // Schema version of this file. Default 1 (the only one so far).
    version: z.literal(1, 'unsupported config version (this ferry reads version 1)').default(1),
    server,
    // Named registries, e.g. nonprod and prod. At least one.
    environments: z
      .record(
        z
          .string()
          .regex(
            ENVIRONMENT_NAME_RE,
            'environment names are lowercase letters, digits, "-", "_", starting with a letter',
          ),
        environment,
      )
      .check((ctx) => {
        if (Object.keys(ctx.value).length === 0) {
          ctx.issues.push({
            code: 'custom',
            message: 'at least one environment is needed',
            input: undefined,
          });
        }
      }),
    // Promotion rules, tried in order; the first whose source pattern matches (and whose destination
    // fits what the request asked for, if anything) wins.
    promotions: z.array(promotion).min(1, 'at least one promotion rule is needed'),
    triggers,
    // Outbound webhooks. Default none.
    notify: z.array(notifyTarget).default([]),
    // Who may use the API. Default none (then only webhook triggers can request promotions).
    apiTokens: z.array(apiToken).default([]),
  });

  return {
    config,
    server,
    environment,
    promotion,
    triggers,
    apiTrigger,
    webhookTrigger,
    registryEventTrigger,
    notifyTarget,
    apiToken,
    secretRef,
  };
}

/**
 * Why `pattern` cannot be a tag pattern. Compiling it alone is enough: a pattern that compiles has
 * balanced groups and no dangling escape, so the anchored `^(?:…)$` form tagAllowed uses compiles too.
 */
function checkTagPattern(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (err) {
    return err instanceof SyntaxError ? err.message : 'invalid regular expression';
  }
}

/** Whether the rule's tag pattern matches `tag` (as tagAllowed would); false for a pattern that does not compile (reported on its own). */
function safeTagMatch(pattern: string, tag: string): boolean {
  return checkTagPattern(pattern) === undefined && new RegExp(`^(?:${pattern})$`).test(tag);
}

function describeWildcards(sequence: string): string {
  return sequence === '' ? 'none' : `"${sequence}"`;
}

export interface ListenAddress {
  /** Host or IP to bind, without brackets. */
  readonly host: string;
  readonly port: number;
}

function parseListen(value: string): ListenAddress | string {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):([0-9]{1,5})$/.exec(value);
  if (match === null) return 'must be "host:port", "[ipv6]:port" or ":port"';
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return `port ${match[2]} is out of range (1-65535)`;
  const host = match[1]!.replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? '0.0.0.0' : host, port };
}

/** Output shape of a secret reference (exactly one source). */
type SecretRefShape = { readonly file: string } | { readonly env: string } | { readonly value: string };

type CredentialsShape =
  | { readonly kind: 'token-file'; readonly tokenFile: string; readonly username: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: SecretRefShape }
  | { readonly kind: 'auth-file'; readonly authFile: string }
  | { readonly kind: 'registry-token'; readonly registryToken: SecretRefShape }
  | { readonly kind: 'anonymous' };

export type ConfigSchemas = ReturnType<typeof configSchemas>;
export type FerryConfig = z.output<ConfigSchemas['config']>;
export type ServerConfig = z.output<ConfigSchemas['server']>;
export type EnvironmentConfig = z.output<ConfigSchemas['environment']>;
export type PromotionRule = z.output<ConfigSchemas['promotion']>;
export type TriggersConfig = z.output<ConfigSchemas['triggers']>;
export type NotifyTarget = z.output<ConfigSchemas['notifyTarget']>;
export type ApiTokenConfig = z.output<ConfigSchemas['apiToken']>;
export type SecretRef = SecretRefShape;
export type Credentials = CredentialsShape;
