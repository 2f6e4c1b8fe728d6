/**
 * The OpenAPI 3.1 document served at `/api/openapi.json`. Written out by hand as a typed object rather
 * than generated from route schemas: the routes validate with the trigger module's zod schemas (whose
 * custom refinements — reference grammar, tag rules — JSON Schema cannot express), so the document
 * states the shapes and points to the rules in prose. openapi.test.ts keeps it honest: every registered
 * route must be documented and vice versa, and every request example must pass the real parsers.
 */
import { PROMOTION_STATUSES } from '../store/promotion.ts';
import { OPENSHIFT_ENV_NAMES } from '../triggers/openshift-generic.ts';
import { PROMOTION_REQUESTED_EVENT } from '../triggers/standard-webhook-body.ts';

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** A JSON Schema (2020-12, the dialect OpenAPI 3.1 uses). */
export type JsonSchema = { readonly [key: string]: JsonValue };

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required?: boolean;
  readonly description?: string;
  readonly schema: JsonSchema;
}

export interface OpenApiMediaType {
  readonly schema: JsonSchema;
  readonly example?: JsonValue;
}

export interface OpenApiResponse {
  readonly description: string;
  readonly content?: Readonly<Record<string, OpenApiMediaType>>;
  readonly headers?: Readonly<Record<string, { readonly description: string; readonly schema: JsonSchema }>>;
}

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** Empty list: no authentication (ops endpoints, and hooks whose mechanism is described in prose). */
  readonly security: readonly Readonly<Record<string, readonly string[]>>[];
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: {
    readonly required: boolean;
    readonly content: Readonly<Record<string, OpenApiMediaType>>;
  };
  readonly responses: Readonly<Record<string, OpenApiResponse>>;
}

export type OpenApiPathItem = Partial<Record<'get' | 'post', OpenApiOperation>>;

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly paths: Readonly<Record<string, OpenApiPathItem>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly securitySchemes: Readonly<Record<string, JsonValue>>;
  };
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const str = (description: string, extra: JsonSchema = {}): JsonSchema => ({
  type: 'string',
  description,
  ...extra,
});
const nullable = (schema: JsonSchema): JsonSchema => ({ oneOf: [schema, { type: 'null' }] });
const json = (schema: JsonSchema, example?: JsonValue): Readonly<Record<string, OpenApiMediaType>> => ({
  'application/json': example === undefined ? { schema } : { schema, example },
});

const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Malformed body, invalid field or reference, missing values, bad header.',
  401: 'Missing or invalid credential (API token, signature, path secret, static header) or stale timestamp.',
  403: "The API token's role or rule scope does not allow this.",
  404: 'No such promotion, no promotion rule applies (`FERRY_E_PROMOTION_NO_RULE`), or the trigger is disabled.',
  409: 'Replayed delivery id, or a state change the promotion is not in a state for.',
  413: 'Body larger than 64 KiB.',
  415: 'Content-Type missing, not accepted here, or a charset other than UTF-8.',
  422: 'Policy refused the request (tag pattern, invalid request, source not found).',
  500: 'Server-side failure or misconfiguration; details in the server log.',
  503: 'Temporarily unavailable (database, registry); retry later.',
};

function errors(...statuses: readonly number[]): Record<string, OpenApiResponse> {
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      { description: ERROR_DESCRIPTIONS[status] ?? 'Error.', content: json(ref('Error')) },
    ]),
  );
}

const locationHeader = {
  location: { description: 'URL of the promotion.', schema: { type: 'string', format: 'uri' } },
};

const acceptedResponses: Record<string, OpenApiResponse> = {
  '202': {
    description: 'Accepted: a new promotion was created.',
    content: json(ref('Accepted')),
    headers: locationHeader,
  },
  '200': {
    description:
      'An equal promotion (same source digest and destination tag) was in flight or current; it is returned with `created: false`.',
    content: json(ref('Accepted')),
    headers: locationHeader,
  },
};

const replayedResponse: Record<string, OpenApiResponse> = {
  '409': {
    description:
      'Replayed delivery id: nothing is created, and the body carries the promotion the first delivery created (a client retrying a delivery whose answer it lost treats this like 200). Without `promotion`: the first delivery created none.',
    content: json(ref('Replayed')),
  },
};

const idParameter: OpenApiParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Promotion id (a UUID).',
  schema: { type: 'string' },
};

const TOKEN: readonly Readonly<Record<string, readonly string[]>>[] = [{ apiToken: [] }];

const COMMIT = '3f786850e387550fdab836ed7e6dc881de23001b';

/** Request examples; openapi.test.ts runs each through the parser of its route. */
export const OPENAPI_EXAMPLES = {
  restPromotion: {
    source: { environment: 'nonprod', repository: 'team-a/app', tag: COMMIT },
    destination: { environment: 'prod' },
    gitCommit: COMMIT,
    labels: { build: 'https://jenkins.example.com/job/app/42/' },
  },
  standardWebhook: {
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
} as const satisfies Record<string, JsonValue>;

const side = (description: string, withDigest: boolean): JsonSchema => ({
  type: 'object',
  description,
  additionalProperties: false,
  properties: {
    environment: str('Configured environment name (e.g. `nonprod`).'),
    registry: str('Registry host[:port]; an alternative to `environment`.'),
    repository: str('Repository path without registry, e.g. `team-a/app`.'),
    tag: str('Tag (reference grammar: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`).'),
    ...(withDigest ? { digest: str('`sha256:<64 hex>`; pins the exact image.') } : {}),
  },
});

const schemas: Record<string, JsonSchema> = {
  Error: {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: str('Stable error code (`FERRY_E_…`); match on this, never on the message.'),
      message: str('What is wrong, naming the field; never contains a secret.'),
      fields: { type: 'array', items: { type: 'string' }, description: 'Offending fields or headers.' },
    },
  },
  Promotion: {
    type: 'object',
    required: ['id', 'rule', 'source', 'destination', 'status', 'createdAt'],
    properties: {
      id: str('Promotion id (UUID v7).'),
      rule: str('Name of the promotion rule that applied.'),
      source: {
        type: 'object',
        properties: {
          environment: nullable({ type: 'string' }),
          registry: { type: 'string' },
          repository: { type: 'string' },
          tag: nullable({ type: 'string' }),
          digest: str('Pinned at acceptance: later pushes to the tag change nothing.'),
        },
      },
      destination: {
        type: 'object',
        properties: {
          environment: nullable({ type: 'string' }),
          registry: { type: 'string' },
          repository: { type: 'string' },
          tag: { type: 'string' },
        },
      },
      status: { type: 'string', enum: [...PROMOTION_STATUSES] },
      reason: nullable(str('Why it failed, was rejected or cancelled, or why it waits.')),
      requestedBy: { type: 'string' },
      triggerKind: {
        type: 'string',
        enum: ['api', 'standard-webhook', 'github', 'openshift', 'distribution', 'harbor'],
      },
      deliveryId: nullable({ type: 'string' }),
      approvalsRequired: { type: 'integer' },
      attempts: { type: 'integer' },
      resultDigest: nullable(str('Digest the destination tag points at after success.')),
      bytes: {
        type: 'object',
        properties: {
          copied: { type: 'integer' },
          mounted: { type: 'integer' },
          skipped: { type: 'integer' },
        },
      },
      rollbackOf: nullable({ type: 'string' }),
      rerunOf: nullable({ type: 'string' }),
      supersededBy: nullable({ type: 'string' }),
      gitCommit: nullable({ type: 'string' }),
      labels: { type: 'object', additionalProperties: { type: 'string' } },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
      startedAt: nullable({ type: 'string', format: 'date-time' }),
      finishedAt: nullable({ type: 'string', format: 'date-time' }),
    },
  },
  AuditEvent: {
    type: 'object',
    description: 'One append-only step of a promotion’s history.',
    properties: {
      id: { type: 'integer' },
      promotionId: nullable({ type: 'string' }),
      at: { type: 'string', format: 'date-time' },
      actor: str('API token name, webhook, registry user or `ferry`; never a secret.'),
      kind: str('`accepted`, `approved`, `started`, `copied`, `failed`, …'),
      digest: nullable({ type: 'string' }),
      outcome: nullable({ type: 'string' }),
      bytes: nullable({ type: 'integer' }),
      detail: { type: 'object' },
    },
  },
  Accepted: {
    type: 'object',
    required: ['promotion', 'url', 'created'],
    properties: {
      promotion: ref('Promotion'),
      url: { type: 'string', format: 'uri' },
      created: { type: 'boolean' },
    },
  },
  Replayed: {
    description: 'An error body that also carries the promotion a replayed delivery created.',
    allOf: [
      ref('Error'),
      {
        type: 'object',
        properties: {
          promotion: ref('Promotion'),
          url: { type: 'string', format: 'uri' },
          created: { const: false },
        },
      },
    ],
  },
  PromotionLink: {
    type: 'object',
    required: ['promotion', 'url'],
    properties: { promotion: ref('Promotion'), url: { type: 'string', format: 'uri' } },
  },
  PromotionPage: {
    type: 'object',
    required: ['promotions', 'nextCursor'],
    properties: {
      promotions: { type: 'array', items: ref('Promotion'), description: 'Newest first.' },
      nextCursor: nullable(str('Pass as `cursor` for the next page; null on the last page.')),
    },
  },
  PromotionWithTimeline: {
    type: 'object',
    required: ['promotion', 'timeline'],
    properties: { promotion: ref('Promotion'), timeline: { type: 'array', items: ref('AuditEvent') } },
  },
  PromotionRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['source'],
    description: 'Unknown fields are refused. The source needs a tag or a digest.',
    properties: {
      source: side('What to promote.', true),
      destination: side('Absent or partial: the matching rule supplies the rest.', false),
      labels: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 32 },
      gitCommit: str('Hex commit id, 7-64 characters.'),
    },
  },
  PromotionWebhook: {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'data'],
    description: 'What `ferry trigger` sends (Standard Webhooks payload envelope).',
    properties: {
      type: { const: PROMOTION_REQUESTED_EVENT },
      timestamp: { type: 'string', format: 'date-time' },
      data: {
        type: 'object',
        additionalProperties: false,
        required: ['image'],
        properties: {
          image: str('Repository path in the source environment.'),
          tag: { type: 'string' },
          digest: { type: 'string' },
          from: str('Source environment; absent: the rule decides.'),
          to: str('Destination environment; absent: the rule decides.'),
          gitCommit: { type: 'string' },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  },
  OpenShiftGenericWebhook: {
    type: 'object',
    description: `OpenShift generic webhook body. All of ${OPENSHIFT_ENV_NAMES.join(', ')} are required; missing ones are a 400 naming them.`,
    properties: {
      type: { type: 'string' },
      git: { type: 'object', properties: { commit: { type: 'string' } } },
      env: {
        oneOf: [
          {
            type: 'array',
            items: {
              type: 'object',
              required: ['name'],
              properties: {
                name: { type: 'string', enum: [...OPENSHIFT_ENV_NAMES] },
                value: { type: 'string' },
              },
            },
          },
          {
            type: 'object',
            properties: Object.fromEntries(OPENSHIFT_ENV_NAMES.map((name) => [name, { type: 'string' }])),
            additionalProperties: false,
          },
        ],
      },
    },
  },
  DistributionNotification: {
    type: 'object',
    description: 'CNCF distribution notification envelope; only tagged manifest/index pushes are acted on.',
    required: ['events'],
    properties: { events: { type: 'array', items: { type: 'object' }, maxItems: 1000 } },
  },
  HarborEvent: {
    type: 'object',
    description: 'Harbor webhook, "Default" payload format; only PUSH_ARTIFACT creates promotions.',
    required: ['type'],
    properties: {
      type: { type: 'string' },
      occur_at: { type: 'integer' },
      operator: { type: 'string' },
      event_data: { type: 'object' },
    },
  },
  RegistryHookResult: {
    type: 'object',
    required: ['promotions', 'ignored'],
    properties: {
      promotions: { type: 'array', items: ref('Accepted') },
      ignored: {
        type: 'array',
        items: {
          type: 'object',
          required: ['code', 'reason'],
          properties: { event: { type: 'string' }, code: { type: 'string' }, reason: { type: 'string' } },
        },
      },
    },
  },
  Comment: {
    type: 'object',
    additionalProperties: false,
    properties: { comment: { type: 'string', maxLength: 2000 } },
  },
};

const hookBase = {
  tags: ['hooks'],
  security: [],
} as const;

function promotionAction(
  name: 'approve' | 'reject' | 'cancel',
  summary: string,
  role: string,
  withComment: boolean,
): OpenApiOperation {
  const others =
    name === 'cancel' ? ' A promotion another identity requested can only be cancelled by an admin.' : '';
  return {
    operationId: `${name}Promotion`,
    summary,
    description: `Needs an API token with role ${role} (or admin) whose scope covers the promotion's rule.${others}`,
    tags: ['promotions'],
    security: TOKEN,
    parameters: [idParameter],
    ...(withComment ? { requestBody: { required: false, content: json(ref('Comment')) } } : {}),
    responses: {
      '200': { description: 'The promotion after the change.', content: json(ref('PromotionLink')) },
      ...errors(400, 401, 403, 404, 409, 415, 422, 500, 503),
    },
  };
}

function promotionRepeat(name: 'rerun' | 'rollback', summary: string): OpenApiOperation {
  return {
    operationId: `${name}Promotion`,
    summary,
    description: "Needs an API token with role promoter (or admin) whose scope covers the promotion's rule.",
    tags: ['promotions'],
    security: TOKEN,
    parameters: [idParameter],
    responses: { ...acceptedResponses, ...errors(401, 403, 404, 409, 422, 500, 503) },
  };
}

function registryHook(name: 'distribution' | 'harbor', summary: string, schema: string): OpenApiOperation {
  return {
    ...hookBase,
    operationId: `${name}Hook`,
    summary,
    description:
      'Authenticated by the static `Authorization` header configured for the trigger. Unusable events are answered 2xx and listed under `ignored` (registries retry failed deliveries forever); only temporary failures are 503.',
    requestBody: { required: true, content: json(ref(schema)) },
    responses: {
      '202': { description: 'At least one promotion was created.', content: json(ref('RegistryHookResult')) },
      '200': {
        description: 'Nothing new was created (see `ignored`).',
        content: json(ref('RegistryHookResult')),
      },
      ...errors(401, 404, 413, 500, 503),
    },
  };
}

/** The signed JSON triggers (Standard Webhooks, GitHub): same body and answers, their own headers. */
function signedHook(
  operationId: string,
  summary: string,
  description: string,
  scheme: string,
  parameters: OpenApiParameter[],
): OpenApiOperation {
  return {
    ...hookBase,
    operationId,
    summary,
    description,
    security: [{ [scheme]: [] }],
    parameters,
    requestBody: {
      required: true,
      content: json(ref('PromotionWebhook'), OPENAPI_EXAMPLES.standardWebhook),
    },
    responses: {
      ...acceptedResponses,
      ...replayedResponse,
      ...errors(400, 401, 404, 413, 415, 422, 500, 503),
    },
  };
}

function openshiftHook(
  operationId: string,
  summary: string,
  extra: readonly OpenApiParameter[],
): OpenApiOperation {
  return {
    ...hookBase,
    operationId,
    summary,
    description:
      'Drop-in replacement for the OpenShift BuildConfig generic webhook. The path segment `secret` is compared in constant time with the configured secrets. JSON or YAML; `env` as a list of {name, value} or an object.',
    parameters: [
      ...extra,
      {
        name: 'secret',
        in: 'path',
        required: true,
        description: 'Webhook secret.',
        schema: { type: 'string' },
      },
    ],
    requestBody: {
      required: true,
      content: {
        ...json(ref('OpenShiftGenericWebhook'), OPENAPI_EXAMPLES.openshiftGeneric),
        'application/yaml': { schema: ref('OpenShiftGenericWebhook') },
      },
    },
    responses: { ...acceptedResponses, ...errors(400, 401, 404, 413, 415, 422, 500, 503) },
  };
}

export interface OpenApiOptions {
  readonly version: string;
}

export function buildOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'ferry serve',
      version: options.version,
      description:
        'Promotes container images from non-production to production registries by digest, with approvals, policy and an audit log. Errors are JSON `{code, message, fields?}` with stable codes.',
    },
    paths: {
      '/api/v1/promotions': {
        post: {
          operationId: 'requestPromotion',
          summary: 'Request a promotion',
          description:
            'Needs an API token with role promoter (or admin) whose scope covers the matching rule. The source tag is resolved to a digest and pinned at acceptance.',
          tags: ['promotions'],
          security: TOKEN,
          requestBody: {
            required: true,
            content: json(ref('PromotionRequest'), OPENAPI_EXAMPLES.restPromotion),
          },
          responses: { ...acceptedResponses, ...errors(400, 401, 403, 404, 409, 413, 415, 422, 500, 503) },
        },
        get: {
          operationId: 'listPromotions',
          summary: 'List promotions, newest first',
          tags: ['promotions'],
          security: TOKEN,
          parameters: [
            {
              name: 'repository',
              in: 'query',
              description: 'Source or destination repository.',
              schema: { type: 'string' },
            },
            {
              name: 'environment',
              in: 'query',
              description: 'Source or destination environment.',
              schema: { type: 'string' },
            },
            { name: 'status', in: 'query', schema: { type: 'string', enum: [...PROMOTION_STATUSES] } },
            {
              name: 'digest',
              in: 'query',
              description: 'Source or result digest.',
              schema: { type: 'string' },
            },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            },
            {
              name: 'cursor',
              in: 'query',
              description: '`nextCursor` of the previous page.',
              schema: { type: 'string' },
            },
          ],
          responses: {
            '200': { description: 'One page of promotions.', content: json(ref('PromotionPage')) },
            ...errors(400, 401, 403, 500, 503),
          },
        },
      },
      '/api/v1/promotions/{id}': {
        get: {
          operationId: 'getPromotion',
          summary: 'A promotion and its audit timeline',
          description:
            'With an API token (role viewer or more), or signed with a Standard Webhooks secret over `GET <path>` instead of a body (how `ferry trigger --wait` follows its promotion); a signed read sees only promotions requested through the Standard Webhooks trigger (403 otherwise).',
          tags: ['promotions'],
          security: [...TOKEN, { standardWebhooks: [] }],
          parameters: [idParameter],
          responses: {
            '200': { description: 'The promotion.', content: json(ref('PromotionWithTimeline')) },
            ...errors(401, 403, 404, 500, 503),
          },
        },
      },
      '/api/v1/promotions/{id}/events': {
        get: {
          operationId: 'streamPromotionEvents',
          summary: 'Live progress as server-sent events',
          description:
            'text/event-stream: `event: status` (data: Promotion) first with the current state and on every change, `event: audit` (data: AuditEvent) per recorded step, `event: progress` (data: {promotionId, bytes, totalBytes}); a `: heartbeat` comment every 15 s. Ends after a terminal status.',
          tags: ['promotions'],
          security: TOKEN,
          parameters: [idParameter],
          responses: {
            '200': {
              description: 'The event stream.',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            ...errors(401, 403, 404, 500, 503),
          },
        },
      },
      '/api/v1/promotions/{id}/approve': {
        post: promotionAction('approve', 'Approve a promotion awaiting approval', 'approver', true),
      },
      '/api/v1/promotions/{id}/reject': {
        post: promotionAction('reject', 'Reject a promotion awaiting approval', 'approver', true),
      },
      '/api/v1/promotions/{id}/cancel': {
        post: promotionAction('cancel', 'Cancel a queued, waiting or running promotion', 'promoter', false),
      },
      '/api/v1/promotions/{id}/rerun': {
        post: promotionRepeat('rerun', 'Repeat a failed, cancelled or rejected promotion'),
      },
      '/api/v1/promotions/{id}/rollback': {
        post: promotionRepeat(
          'rollback',
          'Promote the previously promoted digest of the destination tag again',
        ),
      },
      '/hooks/standard': {
        post: signedHook(
          'standardWebhook',
          'Standard Webhooks trigger (what `ferry trigger` sends)',
          'Headers `webhook-id`, `webhook-timestamp` (within 5 minutes) and `webhook-signature: v1,<base64 HMAC-SHA256>` over `id.timestamp.body`. A replayed `webhook-id` is refused with 409.',
          'standardWebhooks',
          [
            { name: 'webhook-id', in: 'header', required: true, schema: { type: 'string' } },
            { name: 'webhook-timestamp', in: 'header', required: true, schema: { type: 'integer' } },
            { name: 'webhook-signature', in: 'header', required: true, schema: { type: 'string' } },
          ],
        ),
      },
      '/hooks/github': {
        post: signedHook(
          'githubWebhook',
          'GitHub-style signed trigger',
          'The same body as /hooks/standard, signed with `X-Hub-Signature-256: sha256=<hex HMAC>`. No timestamp is signed, so replays are bounded only by `X-GitHub-Delivery` de-duplication. A `ping` event is answered 200.',
          'githubSignature',
          [
            { name: 'x-hub-signature-256', in: 'header', required: true, schema: { type: 'string' } },
            { name: 'x-github-delivery', in: 'header', schema: { type: 'string' } },
          ],
        ),
      },
      '/hooks/openshift/{secret}/generic': {
        post: openshiftHook('openshiftGenericWebhook', 'OpenShift generic webhook', []),
      },
      '/oapi/v1/namespaces/{namespace}/buildconfigs/{name}/webhooks/{secret}/generic': {
        post: openshiftHook(
          'openshiftGenericWebhookLegacyPath',
          'OpenShift generic webhook at the OpenShift URL shape',
          [
            { name: 'namespace', in: 'path', required: true, schema: { type: 'string' } },
            {
              name: 'name',
              in: 'path',
              required: true,
              description: 'BuildConfig name.',
              schema: { type: 'string' },
            },
          ],
        ),
      },
      '/hooks/registry/distribution': {
        post: registryHook(
          'distribution',
          'CNCF distribution push notifications',
          'DistributionNotification',
        ),
      },
      '/hooks/registry/harbor': { post: registryHook('harbor', 'Harbor push webhooks', 'HarborEvent') },
      '/healthz': {
        get: {
          operationId: 'health',
          summary: 'Liveness: the process is up',
          tags: ['operations'],
          security: [],
          responses: {
            '200': {
              description: 'Up.',
              content: json({
                type: 'object',
                properties: { status: { const: 'ok' }, version: { type: 'string' } },
              }),
            },
          },
        },
      },
      '/readyz': {
        get: {
          operationId: 'ready',
          summary: 'Readiness: start-up done, database answering, job queue running (checked on every call)',
          tags: ['operations'],
          security: [],
          responses: {
            '200': {
              description: 'Ready.',
              content: json({ type: 'object', properties: { status: { const: 'ready' } } }),
            },
            ...errors(503),
          },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary: 'Prometheus metrics',
          tags: ['operations'],
          security: [],
          responses: {
            '200': {
              description: 'Text exposition format 0.0.4.',
              content: { 'text/plain': { schema: { type: 'string' } } },
            },
          },
        },
      },
      '/api/openapi.json': {
        get: {
          operationId: 'openapi',
          summary: 'This document',
          tags: ['operations'],
          security: [],
          responses: { '200': { description: 'OpenAPI 3.1 document.', content: json({ type: 'object' }) } },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        apiToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'API token from ferry.yaml `apiTokens` (stored there as SHA-256).',
        },
        standardWebhooks: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-signature',
          description: 'Standard Webhooks HMAC signature.',
        },
        githubSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'x-hub-signature-256',
          description: 'HMAC-SHA256 of the body.',
        },
      },
    },
  };
}
