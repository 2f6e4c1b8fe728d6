/**
 * Schema validation of what `ferry bootstrap` prints. Kubernetes kinds are checked by kubernetes-models
 * (validators generated from the Kubernetes OpenAPI schemas; `validate()` throws on a violation). The
 * OpenShift Route is not in kubernetes-models, so it gets a strict JSON schema of the fields bootstrap
 * uses (route.openshift.io/v1, from openshift/api route/v1/types.go), checked with the ajv that
 * kubernetes-models itself validates with. An unknown apiVersion/kind is an error: nothing is printed
 * that no schema has looked at.
 */
import { Ajv } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ClusterRoleBinding, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import {
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-models/v1';

/** `<apiVersion>/<kind>` → a function that throws if `object` violates the schema. */
const KUBERNETES_MODELS: Readonly<Record<string, (object: unknown) => void>> = {
  'v1/Namespace': (o) => new Namespace(o as never).validate(),
  'v1/ServiceAccount': (o) => new ServiceAccount(o as never).validate(),
  'v1/Secret': (o) => new Secret(o as never).validate(),
  'v1/ConfigMap': (o) => new ConfigMap(o as never).validate(),
  'v1/PersistentVolumeClaim': (o) => new PersistentVolumeClaim(o as never).validate(),
  'v1/Service': (o) => new Service(o as never).validate(),
  'apps/v1/Deployment': (o) => new Deployment(o as never).validate(),
  'rbac.authorization.k8s.io/v1/RoleBinding': (o) => new RoleBinding(o as never).validate(),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': (o) => new ClusterRoleBinding(o as never).validate(),
};

const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DNS1123_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

/** Strict: every object closed (`additionalProperties: false`), enums as the API server has them. */
const ROUTE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'route.openshift.io/v1' },
    kind: { const: 'Route' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'namespace'],
      properties: {
        name: { type: 'string', pattern: DNS1123_SUBDOMAIN, maxLength: 253 },
        namespace: { type: 'string', pattern: DNS1123_LABEL, maxLength: 63 },
        labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 63 } },
        annotations: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['to'],
      properties: {
        host: { type: 'string', pattern: DNS1123_SUBDOMAIN, maxLength: 253 },
        path: { type: 'string', pattern: '^/' },
        to: {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'name'],
          properties: {
            kind: { const: 'Service' },
            name: { type: 'string', pattern: DNS1123_LABEL },
            weight: { type: 'integer', minimum: 0, maximum: 256 },
          },
        },
        port: {
          type: 'object',
          additionalProperties: false,
          required: ['targetPort'],
          properties: {
            targetPort: {
              anyOf: [
                { type: 'integer', minimum: 1, maximum: 65535 },
                { type: 'string', minLength: 1 },
              ],
            },
          },
        },
        tls: {
          type: 'object',
          additionalProperties: false,
          required: ['termination'],
          properties: {
            termination: { enum: ['edge', 'passthrough', 'reencrypt'] },
            insecureEdgeTerminationPolicy: { enum: ['Allow', 'Disable', 'Redirect', 'None'] },
            certificate: { type: 'string' },
            key: { type: 'string' },
            caCertificate: { type: 'string' },
            destinationCACertificate: { type: 'string' },
          },
        },
        wildcardPolicy: { enum: ['None', 'Subdomain'] },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true });
const validateRoute = ajv.compile(ROUTE_SCHEMA);

function checkRoute(object: unknown): void {
  if (validateRoute(object)) return;
  const errors = (validateRoute.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  throw new Error(errors.join(', '));
}

/** Throws an Error naming the object and every schema violation. */
export function validateManifest(object: unknown): void {
  if (object === null || typeof object !== 'object') throw new Error('a manifest must be an object');
  const { apiVersion, kind, metadata } = object as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown };
  };
  const key = `${String(apiVersion)}/${String(kind)}`;
  const check = key === 'route.openshift.io/v1/Route' ? checkRoute : KUBERNETES_MODELS[key];
  if (check === undefined) throw new Error(`no schema for ${key}`);
  try {
    check(object);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`${key} ${String(metadata?.name)}: ${message}`, { cause: err });
  }
}
