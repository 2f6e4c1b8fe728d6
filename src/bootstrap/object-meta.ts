/**
 * Names and labels shared by the generated objects. The recommended app.kubernetes.io labels let
 * `oc get all -l app.kubernetes.io/instance=<name>` find everything one run created, and the selector
 * uses only the two labels that never change after creation (a Deployment's selector is immutable).
 */

export type Component = 'source-access' | 'promotion-service';

export function labels(name: string, component: Component): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'ferry',
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/component': component,
  };
}

export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'ferry', 'app.kubernetes.io/instance': name };
}

export interface Meta {
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

export function meta(name: string, namespace: string, instance: string, component: Component): Meta {
  return { name, namespace, labels: labels(instance, component) };
}

/** Names derived from `--name` on the target side; the instructions and the Deployment both use these. */
export function targetNames(name: string) {
  return {
    configMap: `${name}-config`,
    dataClaim: `${name}-data`,
    sourceToken: `${name}-source-token`,
    sourceAuth: `${name}-source-auth`,
    targetAuth: `${name}-target-auth`,
    webhook: `${name}-webhook`,
    serviceCa: `${name}-service-ca`,
  };
}
export type TargetNames = ReturnType<typeof targetNames>;

/** The token Secret of a service account (what `oc`/`kubectl` used to create automatically). */
export function tokenSecretName(serviceAccount: string): string {
  return `${serviceAccount}-token`;
}

/** The CLI users run on each platform, in the printed instructions. */
export function cliName(platform: 'openshift' | 'kubernetes'): 'oc' | 'kubectl' {
  return platform === 'openshift' ? 'oc' : 'kubectl';
}
