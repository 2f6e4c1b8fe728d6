/**
 * Which CA ferry trusts for the target registry, beyond the system roots. On OpenShift the target is
 * usually the internal registry (`image-registry.openshift-image-registry.svc:5000`), whose certificate
 * is signed by the cluster's service CA, which no system trust store holds: without it every push fails
 * certificate verification. So the OpenShift output carries its own ConfigMap annotated
 * `service.beta.openshift.io/inject-cabundle: "true"`, which OpenShift's service-ca operator fills with
 * the bundle (key `service-ca.crt`) and keeps current when the CA rotates. `--target-ca-configmap`
 * (key `ca.crt`) replaces it, e.g. for a registry behind the router with a private ingress CA.
 * deploy/openshift and docs/migration-from-jenkins-skopeo.md use the same ConfigMap, key and path
 * (test/deploy/openshift-ca.test.ts checks that all three agree).
 */
import type { IConfigMap } from 'kubernetes-models/v1';
import type { TargetOptions } from './bootstrap-options.ts';
import { CA_KEY, SERVICE_CA_KEY, TARGET_CA_DIR } from './mount-paths.ts';
import { meta, targetNames } from './object-meta.ts';

/** The annotation OpenShift's service-ca operator looks for; it writes the bundle under SERVICE_CA_KEY. */
export const INJECT_CABUNDLE_ANNOTATION = 'service.beta.openshift.io/inject-cabundle';

export interface TargetCa {
  /** ConfigMap mounted at TARGET_CA_DIR. */
  readonly configMap: string;
  readonly key: string;
  /** `tls.caFile` of the target environment. */
  readonly file: string;
  /** The ConfigMap is part of the output (the service CA one), not one the operator made. */
  readonly generated: boolean;
}

export function targetCa(options: TargetOptions): TargetCa | undefined {
  if (options.targetCaConfigMap !== undefined) {
    const key = CA_KEY;
    return {
      configMap: options.targetCaConfigMap,
      key,
      file: `${TARGET_CA_DIR}/${key}`,
      generated: false,
    };
  }
  if (options.platform !== 'openshift') return undefined;
  return {
    configMap: targetNames(options.name).serviceCa,
    key: SERVICE_CA_KEY,
    file: `${TARGET_CA_DIR}/${SERVICE_CA_KEY}`,
    generated: true,
  };
}

/**
 * The ConfigMap OpenShift injects the service CA into. It has no `data`: the operator adds the key, and
 * `oc apply` of this file again leaves an injected key alone (only keys it once applied are pruned).
 */
export function serviceCaConfigMap(options: TargetOptions, ca: TargetCa): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      ...meta(ca.configMap, options.namespace, options.name, 'promotion-service'),
      annotations: { [INJECT_CABUNDLE_ANNOTATION]: 'true' },
    },
  };
}
