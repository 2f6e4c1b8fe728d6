/**
 * Every route of `ferry serve`, once: method, path, who may call it, what it takes and what it answers
 * with for each status. The OpenAPI document is generated from this table (openapi.ts), and the
 * response check (response-check.ts) validates what the server actually sends against it; the prose
 * here is the only hand-written part of the document.
 */
import { z } from 'zod';
import { auditEventSchema } from './audit-event.ts';
import { AUDIT_EXPORT_TYPES, auditPageSchema, auditQuerySchema } from './audit-query.ts';
import { blobProgressSchema, promotionProgressSchema } from './blob-progress.ts';
import { errorBodySchema } from './error-body.ts';
import { identityViewSchema, meSchema, permissionsSchema } from './identity.ts';
import { healthSchema, pingSchema, readySchema } from './ops.ts';
import { PATHS, type PathName } from './paths.ts';
import { listPromotionsQuerySchema } from './promotion-query.ts';
import { commentBodySchema, promotionRequestBodySchema } from './promotion-request.ts';
import {
  acceptedSchema,
  promotionDetailSchema,
  promotionLinkSchema,
  promotionPageSchema,
  replayedSchema,
} from './promotion-responses.ts';
import { registryHookResultSchema } from './registry-hooks.ts';
import { listReleasesQuerySchema, releaseDetailSchema, releaseListSchema } from './release.ts';
import { ruleListSchema, ruleViewSchema } from './rule.ts';
import { callbackQuerySchema, loginQuerySchema, logoutFormSchema, oneTimeQuerySchema } from './sign-in.ts';
import {
  distributionNotificationSchema,
  harborEventSchema,
  openshiftGenericWebhookSchema,
  PROMOTION_REQUESTED_EVENT,
  promotionWebhookSchema,
} from './webhook-payloads.ts';

export type SecurityScheme = 'apiToken' | 'session' | 'standardWebhooks' | 'githubSignature';

export interface ResponseSpec {
  readonly description: string;
  /** The JSON body; absent for non-JSON answers (`contentType`) and answers without a body (`empty`). */
  readonly schema?: z.ZodType | undefined;
  /** No body at all (204, a redirect). */
  readonly empty?: boolean | undefined;
  /** Default `application/json`. */
  readonly contentType?: string | undefined;
  /** Response headers: name → description. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /**
   * Other media types the same status may answer with, as a download or a stream whose body no schema
   * describes (the audit export's CSV and NDJSON); the prose says when.
   */
  readonly otherContentTypes?: readonly string[] | undefined;
}

export interface ParameterSpec {
  readonly name: string;
  readonly in: 'path' | 'header';
  readonly description?: string | undefined;
  readonly required: boolean;
  readonly schema: z.ZodType;
}

export interface RequestBodySpec {
  readonly schema: z.ZodType;
  readonly required: boolean;
  /** Default `['application/json']`. */
  readonly contentTypes?: readonly string[] | undefined;
  readonly example?: unknown;
}

export interface RouteSpec {
  readonly method: 'get' | 'post';
  readonly path: (typeof PATHS)[PathName];
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string | undefined;
  readonly tags: readonly string[];
  /** Alternatives: any one of them authenticates. Empty: no authentication, or one described in prose. */
  readonly security: readonly SecurityScheme[];
  readonly parameters?: readonly ParameterSpec[] | undefined;
  readonly query?: z.ZodObject | undefined;
  readonly body?: RequestBodySpec | undefined;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
}

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Malformed body, invalid field or reference, missing values, bad header, or an unusable query parameter (`fields` names it).',
  401: 'Missing or invalid credential: API token or session (`FERRY_E_API_UNAUTHORIZED`), signature, path secret or static header (`FERRY_E_TRIGGER_*`), or a stale timestamp.',
  403: "The identity's role or rule scope does not allow this (`FERRY_E_API_FORBIDDEN`), a request made with the session cookie lacks the `X-Ferry-CSRF` header (`FERRY_E_API_CSRF_REQUIRED`), the promotion policy refuses this identity (`FERRY_E_PROMOTION_FORBIDDEN`), or the rule that applies does not take this trigger (`FERRY_E_PROMOTION_TRIGGER_NOT_ALLOWED`).",
  404: 'No such promotion or release, no promotion rule applies (`FERRY_E_PROMOTION_NO_RULE`), or the trigger is disabled.',
  409: 'A state change the promotion is not in a state for (`FERRY_E_PROMOTION_CONFLICT`), an approver deciding twice (`FERRY_E_PROMOTION_ALREADY_DECIDED`), an immutable tag, or nothing to roll back to.',
  413: 'Body larger than 64 KiB.',
  415: 'Content-Type missing, not accepted here, or a charset other than UTF-8.',
  422: 'Policy refused the request (tag pattern, invalid request, source not found, signature required).',
  500: 'Server-side failure or misconfiguration; details in the server log.',
  502: 'A registry (or, for sign-in, the identity provider: `FERRY_E_API_IDENTITY_PROVIDER`) could not be asked or answered wrongly.',
  503: 'Temporarily unavailable (database, registry, start-up); retry later (`Retry-After`).',
};

function errors(...statuses: readonly number[]): Record<number, ResponseSpec> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: ERROR_DESCRIPTIONS[status] ?? 'Error.', schema: errorBodySchema },
    ]),
  );
}

/** `/api/v1/*`: a bearer API token, or the session cookie (with `X-Ferry-CSRF` on POST). */
const API_IDENTITY: readonly SecurityScheme[] = ['apiToken', 'session'];

const LOCATION = { location: 'URL of the promotion.' };

const ACCEPTED: Record<number, ResponseSpec> = {
  202: { description: 'Accepted: a new promotion was created.', schema: acceptedSchema, headers: LOCATION },
  200: {
    description:
      'An equal promotion (same source digest and destination tag) was in flight or current; it is returned with `created: false`.',
    schema: acceptedSchema,
    headers: LOCATION,
  },
};

const REPLAYED: ResponseSpec = {
  description:
    'Replayed delivery id: nothing is created, and the body carries the promotion the first delivery created. Without `promotion`: another conflict (an error body).',
  schema: z.union([replayedSchema, errorBodySchema]),
  headers: LOCATION,
};

const idParameter: ParameterSpec = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Promotion id (a UUID).',
  schema: z.string(),
};

const COMMIT = '3f786850e387550fdab836ed7e6dc881de23001b';

/** Request examples shown in the document; openapi.test.ts runs each through its route's parser. */
export const REQUEST_EXAMPLES = {
  promotionRequest: {
    source: { environment: 'nonprod', repository: 'team-a/app', tag: COMMIT },
    destination: { environment: 'prod' },
    gitCommit: COMMIT,
    labels: { build: 'https://jenkins.example.com/job/app/42/' },
  },
  promotionWebhook: {
    type: PROMOTION_REQUESTED_EVENT,
    timestamp: '2024-05-01T10:00:00Z',
    data: { image: 'team-a/app', tag: COMMIT, to: 'prod', gitCommit: COMMIT },
  },
  openshiftGeneric: {
    env: {
      IMAGE_NAME: 'myapp',
      NON_PROD_REGISTRY: 'docker-registry-default.apps.nonprod.example.com',
      PROD_REGISTRY: 'docker-registry-default.apps.prod.example.com',
      NON_PROD_PROJECT_NAME: 'myproject-dev',
      PROD_PROJECT_NAME: 'myproject-prod',
      GIT_COMMIT: COMMIT,
    },
  },
} as const;

function decision(
  name: 'approve' | 'reject' | 'cancel',
  path: RouteSpec['path'],
  summary: string,
  role: string,
): RouteSpec {
  const others =
    name === 'cancel'
      ? ' A promotion another identity requested can only be cancelled by an admin.'
      : ' Each identity decides once: a second decision by the same identity is a 409 `FERRY_E_PROMOTION_ALREADY_DECIDED` (the first stands).';
  return {
    method: 'post',
    path,
    operationId: `${name}Promotion`,
    summary,
    description: `Needs an API token or a signed-in session with role ${role} (or admin) whose scope covers the promotion's rule.${others}`,
    tags: ['promotions'],
    security: API_IDENTITY,
    parameters: [idParameter],
    ...(name === 'cancel' ? {} : { body: { schema: commentBodySchema, required: false } }),
    responses: {
      200: { description: 'The promotion after the change.', schema: promotionLinkSchema },
      ...errors(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
    },
  };
}

function repeat(
  name: 'rerun' | 'rollback',
  path: RouteSpec['path'],
  summary: string,
  more: string,
): RouteSpec {
  return {
    method: 'post',
    path,
    operationId: `${name}Promotion`,
    summary,
    description: `Needs an API token or a signed-in session with role promoter (or admin) whose scope covers the promotion's rule. ${more}`,
    tags: ['promotions'],
    security: API_IDENTITY,
    parameters: [idParameter],
    responses: { ...ACCEPTED, ...errors(401, 403, 404, 409, 422, 500, 502, 503) },
  };
}

function signedHook(
  operationId: string,
  path: RouteSpec['path'],
  summary: string,
  description: string,
  scheme: SecurityScheme,
  parameters: ParameterSpec[],
  extra200?: z.ZodType,
): RouteSpec {
  const responses: Record<number, ResponseSpec> = {
    ...ACCEPTED,
    ...errors(400, 401, 403, 404, 413, 415, 422, 500, 502, 503),
    409: REPLAYED,
  };
  const ok = ACCEPTED[200] as ResponseSpec;
  if (extra200 !== undefined) {
    responses[200] = {
      ...ok,
      description: `${ok.description} A GitHub \`ping\` event is answered \`{ok: true}\`.`,
      schema: z.union([acceptedSchema, extra200]),
    };
  }
  return {
    method: 'post',
    path,
    operationId,
    summary,
    description,
    tags: ['hooks'],
    security: [scheme],
    parameters,
    body: { schema: promotionWebhookSchema, required: true, example: REQUEST_EXAMPLES.promotionWebhook },
    responses,
  };
}

function openshiftHook(
  operationId: string,
  path: RouteSpec['path'],
  summary: string,
  extra: readonly ParameterSpec[],
): RouteSpec {
  return {
    method: 'post',
    path,
    operationId,
    summary,
    description:
      'Drop-in replacement for the OpenShift BuildConfig generic webhook. The path segment `secret` is compared in constant time with the configured secrets. JSON or YAML; `env` as a list of {name, value} or an object.',
    tags: ['hooks'],
    security: [],
    parameters: [
      ...extra,
      { name: 'secret', in: 'path', required: true, description: 'Webhook secret.', schema: z.string() },
    ],
    body: {
      schema: openshiftGenericWebhookSchema,
      required: true,
      contentTypes: ['application/json', 'application/yaml'],
      example: REQUEST_EXAMPLES.openshiftGeneric,
    },
    responses: { ...ACCEPTED, ...errors(400, 401, 403, 404, 413, 415, 422, 500, 502, 503), 409: REPLAYED },
  };
}

function registryHook(
  name: 'distribution' | 'harbor',
  path: RouteSpec['path'],
  summary: string,
  schema: z.ZodType,
): RouteSpec {
  return {
    method: 'post',
    path,
    operationId: `${name}Hook`,
    summary,
    description:
      'Authenticated by the static `Authorization` header configured for the trigger. Unusable events are answered 2xx and listed under `ignored` (registries retry failed deliveries forever); only temporary failures are 503.',
    tags: ['hooks'],
    security: [],
    body: { schema, required: true },
    responses: {
      202: { description: 'At least one promotion was created.', schema: registryHookResultSchema },
      200: { description: 'Nothing new was created (see `ignored`).', schema: registryHookResultSchema },
      ...errors(401, 404, 413, 500, 502, 503),
    },
  };
}

export const ROUTES: readonly RouteSpec[] = [
  {
    method: 'post',
    path: PATHS.promotions,
    operationId: 'requestPromotion',
    summary: 'Request a promotion',
    description:
      'Needs an API token or a signed-in session with role promoter (or admin) whose scope covers the matching rule. The source tag is resolved to a digest and pinned at acceptance.',
    tags: ['promotions'],
    security: API_IDENTITY,
    body: { schema: promotionRequestBodySchema, required: true, example: REQUEST_EXAMPLES.promotionRequest },
    responses: { ...ACCEPTED, ...errors(400, 401, 403, 404, 409, 413, 415, 422, 500, 502, 503) },
  },
  {
    method: 'get',
    path: PATHS.promotions,
    operationId: 'listPromotions',
    summary: 'List promotions, newest first',
    description:
      'Filters are combined (AND); `status` may be repeated (any of the statuses matches). Page with `limit` and `cursor` (the previous page’s `nextCursor`). An unknown parameter or an unusable value is a 400 `FERRY_E_HTTP_BAD_REQUEST` whose `fields` names the parameter.',
    tags: ['promotions'],
    security: API_IDENTITY,
    query: listPromotionsQuerySchema,
    responses: {
      200: { description: 'One page of promotions.', schema: promotionPageSchema },
      ...errors(400, 401, 403, 500, 503),
    },
  },
  {
    method: 'get',
    path: PATHS.promotion,
    operationId: 'getPromotion',
    summary: 'A promotion, its audit timeline and per-blob copy progress',
    description:
      'With an API token or a signed-in session (role viewer or more), or signed with a Standard Webhooks secret over `GET <path>` instead of a body (how `ferry trigger --wait` follows its promotion); a signed read sees promotions requested through the Standard Webhooks trigger, and the one a delivery was answered with when the read is signed with that delivery’s `webhook-id` (403 otherwise).',
    tags: ['promotions'],
    security: [...API_IDENTITY, 'standardWebhooks'],
    parameters: [idParameter],
    responses: {
      200: { description: 'The promotion.', schema: promotionDetailSchema },
      ...errors(400, 401, 403, 404, 500, 503),
    },
  },
  {
    method: 'get',
    path: PATHS.promotionEvents,
    operationId: 'streamPromotionEvents',
    summary: 'Live progress as server-sent events',
    description:
      'text/event-stream: `event: status` (data: Promotion) first with the current state and on every change, `event: audit` (data: AuditEvent) per recorded step, `event: progress` (data: PromotionProgress, every blob’s state) while copying; a `: heartbeat` comment every 15 s. Ends after a terminal status.',
    tags: ['promotions'],
    security: API_IDENTITY,
    parameters: [idParameter],
    responses: {
      200: { description: 'The event stream.', contentType: 'text/event-stream' },
      ...errors(401, 403, 404, 500, 503),
    },
  },
  {
    method: 'get',
    path: PATHS.events,
    operationId: 'streamAllPromotionEvents',
    summary: 'Every promotion change as server-sent events (live list)',
    description:
      'Needs an API token or a signed-in session with role viewer (or more). text/event-stream: `event: status` (data: Promotion) each time any promotion is created or changes status, on whichever replica; a `: heartbeat` comment every 15 s. Nothing is replayed: read `GET /api/v1/promotions` after the stream opened to fill the list, and again after a reconnect. A client that reads too slowly is disconnected (it reconnects).',
    tags: ['promotions'],
    security: API_IDENTITY,
    responses: {
      200: { description: 'The event stream.', contentType: 'text/event-stream' },
      ...errors(401, 403, 500, 503),
    },
  },
  decision('approve', PATHS.approve, 'Approve a promotion awaiting approval', 'approver'),
  decision('reject', PATHS.reject, 'Reject a promotion awaiting approval', 'approver'),
  decision('cancel', PATHS.cancel, 'Cancel a queued, waiting or running promotion', 'promoter'),
  repeat(
    'rerun',
    PATHS.rerun,
    'Repeat a failed, cancelled or rejected promotion',
    'The new promotion passes the rule’s tag pattern, approvals and signature check again.',
  ),
  repeat(
    'rollback',
    PATHS.rollback,
    'Point the tag back at the digest of this promotion',
    'Makes the rule’s release tag (or, for a mutable-tag rule, the destination tag) point again at this promotion’s digest, taken from the destination registry; the rule’s approvals apply. The result is a new promotion of kind `rollback`. Immutable tags are never moved.',
  ),
  {
    method: 'get',
    path: PATHS.releases,
    operationId: 'listReleases',
    summary: 'What each destination tag points at now',
    description:
      'Needs an API token or a signed-in session with role viewer (or more). Filters are combined (AND).',
    tags: ['releases'],
    security: API_IDENTITY,
    query: listReleasesQuerySchema,
    responses: {
      200: { description: 'Current releases.', schema: releaseListSchema },
      ...errors(400, 401, 403, 500, 503),
    },
  },
  {
    method: 'get',
    path: PATHS.release,
    operationId: 'getRelease',
    summary: 'One release and the history of its tag',
    description:
      'Needs an API token or a signed-in session with role viewer (or more). `repository` may contain `/` (`team-a/app`); `environment` is `-` for a destination that names no environment.',
    tags: ['releases'],
    security: API_IDENTITY,
    parameters: [
      { name: 'environment', in: 'path', required: true, schema: z.string() },
      { name: 'repository', in: 'path', required: true, schema: z.string() },
      { name: 'tag', in: 'path', required: true, schema: z.string() },
    ],
    responses: {
      200: { description: 'The release and its history.', schema: releaseDetailSchema },
      ...errors(400, 401, 403, 404, 500, 503),
    },
  },
  {
    method: 'get',
    path: PATHS.rules,
    operationId: 'listRules',
    summary: 'The configured promotion rules',
    description:
      'Needs an API token or a signed-in session with role viewer (or more). What may be promoted where, by which triggers, with which approvals and signature policy, in the order rules are tried. Never carries a secret: public keys are named by file name.',
    tags: ['rules'],
    security: API_IDENTITY,
    responses: {
      200: { description: 'The rules.', schema: ruleListSchema },
      ...errors(401, 403, 500),
    },
  },
  {
    method: 'get',
    path: PATHS.audit,
    operationId: 'searchAudit',
    summary: 'Search or export the audit trail, newest first',
    description:
      "Needs an API token or a signed-in session with role viewer (or more). Filters are combined (AND). Page with `limit` and `cursor`; with `q` a page may be short or even empty while `nextCursor` is not null (each call examines a bounded number of events). With `format=csv` or `format=ndjson` every matching event is streamed as a download instead (`Content-Disposition: attachment`); CSV follows RFC 4180 with the columns id, at, promotionId, actor, kind, digest, outcome, bytes, detail (JSON), and a cell starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` so spreadsheets do not run it as a formula.",
    tags: ['audit'],
    security: API_IDENTITY,
    query: auditQuerySchema,
    responses: {
      200: {
        description: 'One page of events (JSON), or with `format` the export.',
        schema: auditPageSchema,
        otherContentTypes: Object.values(AUDIT_EXPORT_TYPES),
        headers: {
          'content-disposition': 'With `format=csv|ndjson`: `attachment; filename="ferry-audit-….csv"`.',
        },
      },
      ...errors(400, 401, 403, 500, 503),
    },
  },
  {
    method: 'get',
    path: PATHS.me,
    operationId: 'me',
    summary: 'Who is calling: identity, roles, permissions and the CSRF token',
    description:
      'With the session cookie or an API token. Roles come from ferry.yaml: `auth.oidc.roles` (claims: groups, emails, subjects) for a signed-in person, `apiTokens[].role` for a token. `csrfToken` is null for bearer-token callers.',
    tags: ['sign-in'],
    security: API_IDENTITY,
    responses: {
      200: { description: 'The identity.', schema: meSchema },
      401: {
        description:
          'Neither a valid session nor an `Authorization` header (`FERRY_E_API_UNAUTHENTICATED`: sign in at `/auth/login`), or an invalid API token (`FERRY_E_API_UNAUTHORIZED`).',
        schema: errorBodySchema,
      },
      ...errors(500, 503),
    },
  },
  {
    method: 'get',
    path: PATHS.login,
    operationId: 'signIn',
    summary: 'Sign in with the identity provider',
    description:
      'Redirects to the OpenID Connect provider (`auth.oidc.issuer`) with an authorization code request (PKCE S256, `state`, `nonce`); the provider sends the browser back to `/auth/callback`. `returnTo` must be a path on this server; anything else becomes `/`.',
    tags: ['sign-in'],
    security: [],
    query: loginQuerySchema,
    responses: {
      302: {
        description: 'To the identity provider.',
        empty: true,
        headers: { location: 'The authorization URL.' },
      },
      404: {
        description:
          'Sign-in is not configured (`auth.oidc` is absent): `FERRY_E_API_SIGN_IN_NOT_CONFIGURED`.',
        schema: errorBodySchema,
      },
      ...errors(400, 500, 502, 503),
    },
  },
  {
    method: 'get',
    path: PATHS.callback,
    operationId: 'signInCallback',
    summary: 'Where the identity provider sends the browser back',
    description:
      'Exchanges the code (with the PKCE verifier, checking `state`, `nonce` and `iss`), maps the claims to roles, sets the session cookie and redirects to the `returnTo` given to `/auth/login`. A person none of `auth.oidc.roles` matches is signed in with no roles (every API call is then a 403).',
    tags: ['sign-in'],
    security: [],
    query: callbackQuerySchema,
    responses: {
      302: {
        description: 'Signed in: to `returnTo`.',
        empty: true,
        headers: { location: 'The `returnTo` path.', 'set-cookie': 'The session cookie `ferry_session`.' },
      },
      400: {
        description:
          'The provider refused, or the answer does not belong to a sign-in this browser started (state, nonce, expired): `FERRY_E_API_SIGN_IN_FAILED`.',
        schema: errorBodySchema,
      },
      404: { description: 'Sign-in is not configured.', schema: errorBodySchema },
      ...errors(500, 502, 503),
    },
  },
  {
    method: 'post',
    path: PATHS.logout,
    operationId: 'signOut',
    summary: 'Sign out: end the session, and the identity provider’s',
    description:
      'Ends the session on every replica (its id is recorded until the cookie would have expired) and clears the cookie. Needs the CSRF token when a session cookie is sent (so no other site can sign a person out): the `X-Ferry-CSRF` header from a script, answered 204; or the `csrf` field of a form submission (the dashboard’s button), answered 303 to the provider’s `end_session_endpoint` (OpenID Connect RP-Initiated Logout: `id_token_hint`, `client_id`, `post_logout_redirect_uri`) when discovery lists one, else to the sign-in page. Without a session it only clears the cookie.',
    tags: ['sign-in'],
    security: ['session'],
    body: {
      schema: logoutFormSchema,
      required: false,
      contentTypes: ['application/x-www-form-urlencoded'],
    },
    responses: {
      204: { description: 'Signed out.', empty: true, headers: { 'set-cookie': 'Clears `ferry_session`.' } },
      303: {
        description: 'Signed out by a form: to the provider’s end-session endpoint, or to the sign-in page.',
        empty: true,
        headers: { location: 'The end-session URL, or `/sign-in`.', 'set-cookie': 'Clears `ferry_session`.' },
      },
      ...errors(400, 403, 500),
    },
  },
  {
    method: 'get',
    path: PATHS.oneTimeLogin,
    operationId: 'oneTimeSignIn',
    summary: 'Sign in with a single-use demo link',
    description:
      '`ferry serve --one-time-login FILE` writes a link with a random code to FILE (mode 0600, never to the log). The code signs one browser in as the `admin` identity `demo (one-time)`, once, within 15 minutes.',
    tags: ['sign-in'],
    security: [],
    query: oneTimeQuerySchema,
    responses: {
      302: {
        description: 'Signed in: to `/`.',
        empty: true,
        headers: { location: '`/`.', 'set-cookie': 'The session cookie `ferry_session`.' },
      },
      401: {
        description: 'Unknown, used or expired code: `FERRY_E_API_ONE_TIME_CODE_INVALID`.',
        schema: errorBodySchema,
      },
      ...errors(400, 500),
    },
  },
  signedHook(
    'standardWebhook',
    PATHS.standardHook,
    'Standard Webhooks trigger (what `ferry trigger` sends)',
    'Headers `webhook-id`, `webhook-timestamp` (within 5 minutes) and `webhook-signature: v1,<base64 HMAC-SHA256>` over `id.timestamp.body`. A replayed `webhook-id` is answered 409 with the promotion it created.',
    'standardWebhooks',
    [
      { name: 'webhook-id', in: 'header', required: true, schema: z.string() },
      { name: 'webhook-timestamp', in: 'header', required: true, schema: z.int() },
      { name: 'webhook-signature', in: 'header', required: true, schema: z.string() },
    ],
  ),
  signedHook(
    'githubWebhook',
    PATHS.githubHook,
    'GitHub-style signed trigger',
    'The same body as /hooks/standard, signed with `X-Hub-Signature-256: sha256=<hex HMAC>`. No timestamp is signed, so replays are bounded only by `X-GitHub-Delivery` de-duplication.',
    'githubSignature',
    [
      { name: 'x-hub-signature-256', in: 'header', required: true, schema: z.string() },
      { name: 'x-github-delivery', in: 'header', required: false, schema: z.string() },
    ],
    pingSchema,
  ),
  openshiftHook('openshiftGenericWebhook', PATHS.openshiftHook, 'OpenShift generic webhook', []),
  openshiftHook(
    'openshiftGenericWebhookLegacyPath',
    PATHS.openshiftLegacyHook,
    'OpenShift generic webhook at the OpenShift URL shape',
    [
      { name: 'namespace', in: 'path', required: true, schema: z.string() },
      { name: 'name', in: 'path', required: true, description: 'BuildConfig name.', schema: z.string() },
    ],
  ),
  registryHook(
    'distribution',
    PATHS.distributionHook,
    'CNCF distribution push notifications',
    distributionNotificationSchema,
  ),
  registryHook('harbor', PATHS.harborHook, 'Harbor push webhooks', harborEventSchema),
  {
    method: 'get',
    path: PATHS.health,
    operationId: 'health',
    summary: 'Liveness: the process is up',
    tags: ['operations'],
    security: [],
    responses: { 200: { description: 'Up.', schema: healthSchema } },
  },
  {
    method: 'get',
    path: PATHS.ready,
    operationId: 'ready',
    summary: 'Readiness: start-up done, database answering, job queue running (checked on every call)',
    tags: ['operations'],
    security: [],
    responses: { 200: { description: 'Ready.', schema: readySchema }, ...errors(503) },
  },
  {
    method: 'get',
    path: PATHS.metrics,
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    tags: ['operations'],
    security: [],
    responses: { 200: { description: 'Text exposition format 0.0.4.', contentType: 'text/plain' } },
  },
  {
    method: 'get',
    path: PATHS.openapi,
    operationId: 'openapi',
    summary: 'This document',
    tags: ['operations'],
    security: [],
    responses: {
      200: {
        description: 'OpenAPI 3.1 document.',
        schema: z.looseObject({ openapi: z.literal('3.1.0') }),
      },
    },
  },
];

/** Schemas the document names (`#/components/schemas/<name>`), so they appear once. */
export const NAMED_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  Error: errorBodySchema,
  Promotion: promotionDetailSchema.shape.promotion,
  AuditEvent: auditEventSchema,
  Accepted: acceptedSchema,
  Replayed: replayedSchema,
  PromotionLink: promotionLinkSchema,
  PromotionPage: promotionPageSchema,
  PromotionWithTimeline: promotionDetailSchema,
  PromotionRequest: promotionRequestBodySchema,
  PromotionWebhook: promotionWebhookSchema,
  OpenShiftGenericWebhook: openshiftGenericWebhookSchema,
  DistributionNotification: distributionNotificationSchema,
  HarborEvent: harborEventSchema,
  RegistryHookResult: registryHookResultSchema,
  Comment: commentBodySchema,
  ReleaseList: releaseListSchema,
  ReleaseWithHistory: releaseDetailSchema,
  Release: releaseDetailSchema.shape.release,
  ReleaseEntry: releaseDetailSchema.shape.history.element,
  BlobProgress: blobProgressSchema,
  PromotionProgress: promotionProgressSchema,
  RuleList: ruleListSchema,
  Rule: ruleViewSchema,
  AuditPage: auditPageSchema,
  Me: meSchema,
  Identity: identityViewSchema,
  Permissions: permissionsSchema,
};
