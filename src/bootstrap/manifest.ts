/**
 * The objects `ferry bootstrap` prints. They are typed with kubernetes-models' interfaces (type-only
 * imports, erased at run time, so the CLI bundle does not carry the models): a misspelt field in a
 * generator is a compile error, and the tests validate the same objects against the OpenAPI schemas.
 */
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type {
  IConfigMap,
  INamespace,
  IPersistentVolumeClaim,
  ISecret,
  IService,
  IServiceAccount,
} from 'kubernetes-models/v1';

/** OpenShift's route.openshift.io/v1 Route, as far as bootstrap uses it (kubernetes-models has no OpenShift types). */
export interface Route {
  readonly apiVersion: 'route.openshift.io/v1';
  readonly kind: 'Route';
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
  readonly spec: {
    /** Omitted: the router assigns `<name>-<namespace>.<apps domain>`. */
    readonly host?: string;
    readonly to: { readonly kind: 'Service'; readonly name: string; readonly weight: number };
    readonly port: { readonly targetPort: string };
    readonly tls: {
      readonly termination: 'edge';
      readonly insecureEdgeTerminationPolicy: 'Redirect';
    };
  };
}

export type KubeObject =
  | INamespace
  | IServiceAccount
  | ISecret
  | IRoleBinding
  | IConfigMap
  | IPersistentVolumeClaim
  | IDeployment
  | IService
  | Route;

/** One YAML document: the object and the comment lines printed above it (without "# "). */
export interface Manifest {
  readonly comment: readonly string[];
  readonly object: KubeObject;
}

/** What one `ferry bootstrap` run prints: a header, the documents, and the next steps. */
export interface BootstrapOutput {
  readonly header: readonly string[];
  readonly manifests: readonly Manifest[];
  readonly footer: readonly string[];
}
