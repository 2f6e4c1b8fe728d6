/**
 * The OpenAPI 3.1 document served at `/api/openapi.json`, generated from the route table (routes.ts)
 * with zod's own `z.toJSONSchema`: the structure (types, enums, required fields, `additionalProperties:
 * false`, lengths, patterns) comes from the same schemas the server validates with, and the prose from
 * their `.meta({description})`. Refinements JSON Schema cannot express (the reference grammar of a tag
 * or repository) are stated in those descriptions.
 */
import { z } from 'zod';
import { notificationSchema } from './notification.ts';
import { NAMED_SCHEMAS, type ParameterSpec, ROUTES, type RouteSpec, type SecurityScheme } from './routes.ts';

export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** A JSON Schema (2020-12, the dialect OpenAPI 3.1 uses). */
export type JsonSchema = { readonly [key: string]: JsonValue };

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly security: readonly Readonly<Record<string, readonly string[]>>[];
  readonly parameters?: readonly JsonSchema[];
  readonly requestBody?: JsonSchema;
  readonly responses: Readonly<Record<string, JsonSchema>>;
}

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly paths: Readonly<Record<string, Partial<Record<'get' | 'post', OpenApiOperation>>>>;
  readonly webhooks: Readonly<Record<string, JsonSchema>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly securitySchemes: Readonly<Record<string, JsonSchema>>;
  };
}

export interface OpenApiOptions {
  /** ferry's version, shown as `info.version`. */
  readonly version: string;
}

const COMPONENTS = '#/components/schemas/';

const SECURITY_SCHEMES: Readonly<Record<SecurityScheme, JsonSchema>> = {
  apiToken: {
    type: 'http',
    scheme: 'bearer',
    description:
      'API token from ferry.yaml `apiTokens` (stored there as SHA-256). Errors: 401 `FERRY_E_API_UNAUTHORIZED`, 403 `FERRY_E_API_FORBIDDEN`.',
  },
  session: {
    type: 'apiKey',
    in: 'cookie',
    name: 'ferry_session',
    description:
      'The encrypted session cookie `/auth/callback` or `/auth/one-time` sets. POST requests made with it need the `X-Ferry-CSRF` header (the `csrfToken` of `GET /api/v1/me`). Errors: 401 `FERRY_E_API_UNAUTHORIZED` (expired or invalid session), 403 `FERRY_E_API_FORBIDDEN`, 403 `FERRY_E_API_CSRF_REQUIRED`.',
  },
  standardWebhooks: {
    type: 'apiKey',
    in: 'header',
    name: 'webhook-signature',
    description: 'Standard Webhooks HMAC signature (with `webhook-id` and `webhook-timestamp`).',
  },
  githubSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'x-hub-signature-256',
    description: 'HMAC-SHA256 of the body.',
  },
};

type Meta = z.core.GlobalMeta;

/**
 * The schemas' own metadata (`.meta({description})`, kept by zod in its global registry) plus the
 * component names given here: toJSONSchema reads one registry, so this one answers for both.
 */
class NamingRegistry extends z.core.$ZodRegistry<Meta> {
  override get<S extends z.core.$ZodType>(schema: S): Meta | undefined {
    const own = super.get(schema);
    const global = z.globalRegistry.get(schema);
    if (own === undefined) return global;
    return { ...global, ...own };
  }
}

/** Named schemas, and a reverse index to refer to them by `$ref`. */
class SchemaNames {
  readonly registry = new NamingRegistry();
  readonly #names = new Map<z.ZodType, string>();

  constructor(named: Readonly<Record<string, z.ZodType>>) {
    for (const [name, schema] of Object.entries(named)) {
      this.registry.add(schema, { id: name });
      this.#names.set(schema, name);
    }
  }

  nameOf(schema: z.ZodType): string | undefined {
    return this.#names.get(schema);
  }
}

/** `#/$defs/X` → `#/components/schemas/X`, dropping `$schema`, `$id` and `$defs` (hoisted by the caller). */
function relocate(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.map(relocate);
  if (typeof value !== 'object' || value === null) return value as JsonValue;
  const out: Record<string, JsonValue> = {};
  for (const [key, member] of Object.entries(value)) {
    if (key === '$schema' || key === '$id' || key === '$defs') continue;
    if (key === '$ref' && typeof member === 'string') out[key] = member.replace(/^#\/\$defs\//, COMPONENTS);
    else out[key] = relocate(member);
  }
  return out;
}

class Generator {
  readonly schemas: Record<string, JsonSchema> = {};
  readonly #names: SchemaNames;

  constructor(names: SchemaNames) {
    this.#names = names;
  }

  /** A schema as used in the document: a `$ref` when it is named, else inline (its named parts hoisted). */
  use(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const name = this.#names.nameOf(schema);
    if (name !== undefined) {
      this.#convert(schema, io);
      return { $ref: `${COMPONENTS}${name}` };
    }
    return this.#convert(schema, io);
  }

  #convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      metadata: this.#names.registry,
      io,
      unrepresentable: 'any',
    }) as Record<string, unknown>;
    const defs = (json.$defs ?? {}) as Record<string, unknown>;
    for (const [name, def] of Object.entries(defs)) this.schemas[name] ??= relocate(def) as JsonSchema;
    const name = this.#names.nameOf(schema);
    // A named schema converted on its own comes back as its body, not as a $ref to itself.
    const body = relocate(json) as JsonSchema;
    if (name !== undefined) this.schemas[name] ??= body;
    return body;
  }

  parameter(spec: ParameterSpec): JsonSchema {
    const { description, ...schema } = this.use(spec.schema, 'input') as Record<string, JsonValue>;
    const text = spec.description ?? description;
    return {
      name: spec.name,
      in: spec.in,
      required: spec.required,
      ...(text === undefined ? {} : { description: text }),
      schema,
    };
  }

  queryParameters(query: z.ZodObject): JsonSchema[] {
    return Object.entries(query.shape).map(([name, member]) => {
      const optional = (member as z.ZodType).safeParse(undefined).success;
      const { description, ...schema } = this.use(member as z.ZodType, 'input') as Record<string, JsonValue>;
      return {
        name,
        in: 'query',
        required: !optional,
        ...(description === undefined ? {} : { description }),
        schema,
      };
    });
  }

  operation(route: RouteSpec): OpenApiOperation {
    const parameters = [
      ...(route.parameters ?? []).map((p) => this.parameter(p)),
      ...(route.query === undefined ? [] : this.queryParameters(route.query)),
    ];
    const body = route.body;
    const requestBody =
      body === undefined
        ? undefined
        : {
            required: body.required,
            content: Object.fromEntries(
              (body.contentTypes ?? ['application/json']).map((type, index) => [
                type,
                {
                  schema: this.use(body.schema, 'input'),
                  ...(body.example === undefined || index > 0 ? {} : { example: body.example as JsonValue }),
                },
              ]),
            ),
          };
    const responses = Object.fromEntries(
      Object.entries(route.responses).map(([status, response]) => {
        const type = response.contentType ?? 'application/json';
        const schema: JsonSchema =
          response.schema === undefined ? { type: 'string' } : this.use(response.schema, 'output');
        const out: Record<string, JsonValue> = { description: response.description };
        if (response.headers !== undefined) {
          out.headers = Object.fromEntries(
            Object.entries(response.headers).map(([name, description]) => [
              name,
              { description, schema: { type: 'string' } },
            ]),
          );
        }
        if (response.empty !== true) {
          out.content = {
            [type]: { schema },
            ...Object.fromEntries(
              (response.otherContentTypes ?? []).map((other) => [other, { schema: { type: 'string' } }]),
            ),
          };
        }
        return [status, out as JsonSchema];
      }),
    );
    return {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      tags: route.tags,
      security: route.security.map((scheme) => ({ [scheme]: [] })),
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(requestBody === undefined ? {} : { requestBody }),
      responses,
    };
  }
}

export function buildOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
  const generator = new Generator(new SchemaNames({ ...NAMED_SCHEMAS, Notification: notificationSchema }));
  const paths: Record<string, Partial<Record<'get' | 'post', OpenApiOperation>>> = {};
  for (const route of ROUTES) {
    paths[route.path] = { ...paths[route.path], [route.method]: generator.operation(route) };
  }
  const webhooks = {
    promotionEvent: {
      post: {
        operationId: 'promotionEvent',
        summary: 'A promotion event, posted to each `notify` target that subscribed to it',
        description:
          'Signed like a Standard Webhook (`webhook-id`, `webhook-timestamp`, `webhook-signature`) when the target has a secret. Retried with the same `webhook-id` and body until a 2xx or the attempts run out.',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: generator.use(notificationSchema, 'output') } },
        },
        responses: { '2XX': { description: 'Received.' } },
      },
    },
  };
  // Named schemas no JSON body uses (the data of event-stream events: PromotionProgress) are documented
  // as components all the same, so clients can generate types for them.
  for (const schema of Object.values(NAMED_SCHEMAS)) generator.use(schema, 'output');
  const used = new Set(ROUTES.flatMap((route) => route.security));
  return {
    openapi: '3.1.0',
    info: {
      title: 'ferry serve',
      version: options.version,
      description:
        'Promotes container images from non-production to production registries by digest, with approvals, policy and an audit log. Errors are JSON `{code, message, fields?}` with stable codes.',
    },
    paths,
    webhooks,
    components: {
      schemas: Object.fromEntries(Object.entries(generator.schemas).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: Object.fromEntries(
        Object.entries(SECURITY_SCHEMES).filter(([name]) => used.has(name as SecurityScheme)),
      ),
    },
  };
}
