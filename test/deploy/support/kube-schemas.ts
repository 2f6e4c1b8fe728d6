/**
 * Schema validation of every Kubernetes object under deploy/.
 *
 * Built-in kinds are checked with kubernetes-models (the Kubernetes OpenAPI schemas compiled to
 * validators). Those schemas, like the API server without strict field validation, ignore unknown
 * fields, and a misspelt `readOnlyRootFilesytem` would silently leave the default in force. So the
 * validator runs on a proxy that records which fields it looked at: a field the schema never read is
 * unknown (`kubectl apply --validate=strict` would reject it). Maps (labels, data, resources) are
 * enumerated by the validator, so their keys count as read.
 *
 * Kinds kubernetes-models lacks (OpenShift Route, Tekton Task/Pipeline, the Kustomization file) have
 * compact JSON schemas below, checked with ajv, closed with additionalProperties: false; where they
 * embed Kubernetes types (a step's env, a Task's volumes) those parts go through kubernetes-models again.
 */
import { Ajv, type SchemaObject } from 'ajv';
import * as admissionregistration from 'kubernetes-models/admissionregistration.k8s.io/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as batch from 'kubernetes-models/batch/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as rbac from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as core from 'kubernetes-models/v1';
import { isObject, type JsonObject } from './repo-files.ts';

interface ModelClass {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly prototype: { validate(): void };
}

function isModelClass(value: unknown): value is ModelClass {
  return typeof value === 'function' && 'prototype' in value;
}

/** `apiVersion/kind` → model class, for every top-level kind of the groups ferry's manifests may use. */
const MODELS = new Map<string, ModelClass>();
for (const group of [core, apps, batch, networking, policy, rbac, autoscaling, admissionregistration]) {
  for (const value of Object.values(group)) {
    if (!isModelClass(value)) continue;
    if (typeof value.apiVersion === 'string' && typeof value.kind === 'string')
      MODELS.set(`${value.apiVersion}/${value.kind}`, value);
  }
}

/** Nested Kubernetes types used inside the non-Kubernetes schemas (`k8s: "EnvVar"`). */
const NESTED: Record<string, ModelClass> = {
  EnvVar: core.EnvVar,
  VolumeMount: core.VolumeMount,
  Volume: core.Volume,
  SecurityContext: core.SecurityContext,
  ResourceRequirements: core.ResourceRequirements,
};

/**
 * Runs a kubernetes-models validator on `data` and returns its problems: schema errors, then fields the
 * schema does not know (JSON pointers from `data`).
 */
export function validateWithModel(model: ModelClass, data: unknown): string[] {
  const tracker = trackReads(data);
  try {
    model.prototype.validate.call(tracker.proxy);
  } catch (err) {
    return [err instanceof Error ? err.message : String(err)];
  }
  return tracker.unread().map((pointer) => `${pointer || '/'}: unknown field`);
}

interface ReadTracker {
  readonly proxy: unknown;
  /** Pointers to object fields nothing read, in document order. */
  unread(): string[];
}

function trackReads(root: unknown): ReadTracker {
  const read = new Map<string, Set<string>>();
  const enumerated = new Set<string>();
  const proxies = new WeakMap<object, unknown>();
  const wrap = (value: unknown, pointer: string): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const cached = proxies.get(value);
    if (cached !== undefined) return cached;
    const keys = new Set<string>();
    read.set(pointer, keys);
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        const child: unknown = Reflect.get(target, key, receiver);
        if (typeof key !== 'string') return child;
        keys.add(key);
        return wrap(child, `${pointer}/${key}`);
      },
      has(target, key) {
        if (typeof key === 'string') keys.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        enumerated.add(pointer);
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  return {
    proxy: wrap(root, ''),
    unread() {
      const out: string[] = [];
      const walk = (value: unknown, pointer: string): void => {
        if (typeof value !== 'object' || value === null) return;
        const seen = read.get(pointer);
        // An object the validator never reached is covered by the error it reported instead.
        if (seen === undefined) return;
        for (const [key, child] of Object.entries(value)) {
          const childPointer = `${pointer}/${key}`;
          if (Array.isArray(value) || enumerated.has(pointer) || seen.has(key)) walk(child, childPointer);
          else out.push(childPointer);
        }
      };
      walk(root, '');
      return out;
    },
  };
}

// ---- schemas for kinds kubernetes-models does not have -------------------------------------------------

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
// `k8s: "EnvVar"`: the value must validate as that Kubernetes type (strictly, as above).
ajv.addKeyword({
  keyword: 'k8s',
  schemaType: 'string',
  errors: true,
  validate: function k8s(this: unknown, typeName: string, data: unknown): boolean {
    const model = NESTED[typeName];
    if (model === undefined) throw new Error(`no Kubernetes model for ${typeName}`);
    const problems = validateWithModel(model, data);
    (k8s as { errors?: unknown[] }).errors = problems.map((message) => ({
      keyword: 'k8s',
      message: `(${typeName}) ${message}`,
      params: { typeName },
    }));
    return problems.length === 0;
  },
});

const str = { type: 'string', minLength: 1 } as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const closed = (properties: Record<string, unknown>, required: string[] = []): SchemaObject => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const metadata = closed(
  {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    namespace: str,
    labels: stringMap,
    annotations: stringMap,
  },
  ['name'],
);
const topLevel = (apiVersion: string, kind: string, spec: SchemaObject): SchemaObject =>
  closed({ apiVersion: { const: apiVersion }, kind: { const: kind }, metadata, spec }, [
    'apiVersion',
    'kind',
    'metadata',
    'spec',
  ]);

/** route.openshift.io/v1 Route (the fields of OpenShift's RouteSpec). */
const ROUTE = topLevel(
  'route.openshift.io/v1',
  'Route',
  closed(
    {
      host: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' },
      subdomain: str,
      path: { type: 'string', pattern: '^/' },
      to: closed(
        { kind: { const: 'Service' }, name: str, weight: { type: 'integer', minimum: 0, maximum: 256 } },
        ['kind', 'name'],
      ),
      alternateBackends: { type: 'array' },
      port: closed({ targetPort: { type: ['string', 'integer'] } }, ['targetPort']),
      tls: closed(
        {
          termination: { enum: ['edge', 'passthrough', 'reencrypt'] },
          insecureEdgeTerminationPolicy: { enum: ['None', 'Allow', 'Redirect'] },
          // PEM material: allowed by the API, but a key never belongs in these manifests.
          certificate: str,
          caCertificate: str,
          destinationCACertificate: str,
          externalCertificate: closed({ name: str }, ['name']),
        },
        ['termination'],
      ),
      wildcardPolicy: { enum: ['None', 'Subdomain'] },
    },
    ['to'],
  ),
);

const param = closed(
  { name: str, type: { enum: ['string', 'array', 'object'] }, description: str, default: {} },
  ['name'],
);
const paramValue = closed({ name: str, value: {} }, ['name', 'value']);
const workspaceDecl = closed(
  {
    name: str,
    description: str,
    optional: { type: 'boolean' },
    readOnly: { type: 'boolean' },
    mountPath: str,
  },
  ['name'],
);
const step = closed(
  {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    image: str,
    command: { type: 'array', items: { type: 'string' } },
    args: { type: 'array', items: { type: 'string' } },
    script: str,
    workingDir: str,
    env: { type: 'array', items: { k8s: 'EnvVar' } },
    volumeMounts: { type: 'array', items: { k8s: 'VolumeMount' } },
    computeResources: { k8s: 'ResourceRequirements' },
    securityContext: { k8s: 'SecurityContext' },
    onError: { enum: ['continue', 'stopAndFail'] },
    timeout: str,
  },
  ['name', 'image'],
);

/** tekton.dev/v1 Task: the TaskSpec fields a promotion step uses. */
const TEKTON_TASK = topLevel(
  'tekton.dev/v1',
  'Task',
  closed(
    {
      description: str,
      params: { type: 'array', items: param },
      workspaces: { type: 'array', items: workspaceDecl },
      volumes: { type: 'array', items: { k8s: 'Volume' } },
      results: {
        type: 'array',
        items: closed({ name: str, description: str, type: { enum: ['string', 'array', 'object'] } }, [
          'name',
        ]),
      },
      steps: { type: 'array', minItems: 1, items: step },
    },
    ['steps'],
  ),
);

/** tekton.dev/v1 Pipeline: tasks referencing Tasks by name. */
const TEKTON_PIPELINE = topLevel(
  'tekton.dev/v1',
  'Pipeline',
  closed(
    {
      description: str,
      params: { type: 'array', items: param },
      workspaces: { type: 'array', items: workspaceDecl },
      tasks: {
        type: 'array',
        minItems: 1,
        items: closed(
          {
            name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
            taskRef: closed({ name: str, kind: { enum: ['Task', 'ClusterTask'] } }, ['name']),
            runAfter: { type: 'array', items: str },
            params: { type: 'array', items: paramValue },
            workspaces: {
              type: 'array',
              items: closed({ name: str, workspace: str, subPath: str }, ['name', 'workspace']),
            },
            timeout: str,
            retries: { type: 'integer', minimum: 0 },
          },
          ['name', 'taskRef'],
        ),
      },
      finally: { type: 'array' },
    },
    ['tasks'],
  ),
);

const target = closed({ group: { type: 'string' }, version: str, kind: str, name: str, namespace: str }, [
  'kind',
  'name',
]);

/**
 * kustomize.config.k8s.io/v1beta1 Kustomization, limited to the fields kustomize.ts implements: a
 * field outside this set fails here rather than being ignored by the test's resolver.
 */
export const KUSTOMIZATION = closed(
  {
    apiVersion: { const: 'kustomize.config.k8s.io/v1beta1' },
    kind: { const: 'Kustomization' },
    namespace: str,
    resources: { type: 'array', items: str, minItems: 1 },
    patches: { type: 'array', items: closed({ path: str, target }, ['path']) },
    configMapGenerator: {
      type: 'array',
      items: closed(
        {
          name: str,
          behavior: { enum: ['create', 'replace', 'merge'] },
          files: { type: 'array', items: str, minItems: 1 },
        },
        ['name', 'files'],
      ),
    },
  },
  ['apiVersion', 'kind', 'resources'],
);

const CUSTOM: Record<string, SchemaObject> = {
  'route.openshift.io/v1/Route': ROUTE,
  'tekton.dev/v1/Task': TEKTON_TASK,
  'tekton.dev/v1/Pipeline': TEKTON_PIPELINE,
  'kustomize.config.k8s.io/v1beta1/Kustomization': KUSTOMIZATION,
};
const compiled = new Map(Object.entries(CUSTOM).map(([key, schema]) => [key, ajv.compile(schema)]));

/** `apiVersion/kind` of an object, or undefined if either is missing. */
export function typeKey(object: unknown): string | undefined {
  if (!isObject(object)) return undefined;
  const { apiVersion, kind } = object;
  return typeof apiVersion === 'string' && typeof kind === 'string' ? `${apiVersion}/${kind}` : undefined;
}

/**
 * Problems of one object against its kind's schema; [] if valid. A kind without a schema is a problem
 * (never skipped).
 */
export function validateObject(object: unknown): string[] {
  const key = typeKey(object);
  if (key === undefined) return ['not a Kubernetes object (apiVersion and kind are required)'];
  const model = MODELS.get(key);
  if (model !== undefined) return validateWithModel(model, object);
  const validate = compiled.get(key);
  if (validate === undefined) return [`no schema for ${key}: add one to test/deploy/support/kube-schemas.ts`];
  if (validate(object)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}

/** Whether `apiVersion/kind` is a namespaced kind (for kustomize's namespace transformer). */
export function isClusterScoped(object: JsonObject): boolean {
  return [
    'v1/Namespace',
    'rbac.authorization.k8s.io/v1/ClusterRole',
    'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  ].includes(typeKey(object) ?? '');
}
