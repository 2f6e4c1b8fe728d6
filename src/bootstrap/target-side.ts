/**
 * `--role target`: ferry serve in the production cluster, with a push right limited to the target
 * namespace and Secret *references* only. The Secrets themselves are created by the operator from files
 * (instructions in the header), so no credential ever passes through this output, a command line or
 * a terminal.
 */
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { TargetOptions } from './bootstrap-options.ts';
import { ferryConfig, repositoryWildcard, SOURCE_ENVIRONMENT, TARGET_ENVIRONMENT } from './ferry-config.ts';
import { ferryDeployment } from './ferry-deployment.ts';
import type { BootstrapOutput, Manifest } from './manifest.ts';
import { CONFIG_KEY, HTTP_PORT } from './mount-paths.ts';
import { namespaceManifest } from './namespace.ts';
import { cliName, meta, selectorLabels, targetNames } from './object-meta.ts';
import { secretInstructions } from './secret-instructions.ts';
import { serviceCaConfigMap, targetCa } from './target-ca.ts';

/** OpenShift's built-in role: push (and pull) image streams, in the namespace it is bound in. */
export const IMAGE_PUSHER_ROLE = 'system:image-pusher';

export function targetSide(options: TargetOptions): BootstrapOutput {
  const { name, namespace, platform } = options;
  const names = targetNames(name);
  const wildcard = repositoryWildcard(platform);
  const at = (objectName: string) => meta(objectName, namespace, name, 'promotion-service');
  const manifests: Manifest[] = [];
  if (options.createNamespace) manifests.push(namespaceManifest(namespace, name, 'promotion-service'));

  manifests.push({
    comment: serviceAccountComment(options),
    object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: at(options.serviceAccount) },
  });
  if (platform === 'openshift' && options.targetAuth === 'service-account') {
    manifests.push({
      comment: [
        `Push only into ${options.targetNamespace}: a RoleBinding there (never a ClusterRoleBinding) of ${IMAGE_PUSHER_ROLE}.`,
      ],
      object: pusherBinding(options),
    });
  }
  manifests.push({
    comment: ['ferry.yaml: no secrets in it, only paths of the Secrets mounted below.'],
    object: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: at(names.configMap),
      data: { [CONFIG_KEY]: ferryConfig(options) },
    },
  });
  const ca = targetCa(options);
  if (ca?.generated === true) {
    manifests.push({
      comment: [
        "The target registry is trusted with the cluster's service CA, which signs the internal registry's",
        'certificate: OpenShift fills in this ConfigMap (key service-ca.crt) and keeps it current.',
        'Use --target-ca-configmap instead when the registry has another CA (e.g. a route with a private CA).',
      ],
      object: serviceCaConfigMap(options, ca),
    });
  }
  manifests.push({
    comment: ['The embedded database: promotion queue and the append-only audit trail.'],
    object: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: at(names.dataClaim),
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: options.storageSize } },
        ...(options.storageClass === undefined ? {} : { storageClassName: options.storageClass }),
      },
    },
  });
  manifests.push({
    comment: [
      `Mounts Secrets ${mountedSecrets(options).join(', ')}: create them first (see the top of this output).`,
      'Secret files are mode 0440 (defaultMode 288, written in decimal so every YAML reader agrees).',
    ],
    object: ferryDeployment(options),
  });
  manifests.push({
    comment: [],
    object: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: at(name),
      spec: {
        type: 'ClusterIP',
        selector: selectorLabels(name),
        ports: [{ name: 'http', port: HTTP_PORT, targetPort: 'http', protocol: 'TCP' }],
      },
    },
  });
  if (platform === 'openshift') {
    manifests.push({
      comment: [
        'HTTPS only (plain HTTP is redirected): the non-prod CI sends signed triggers and API tokens here.',
        ...(options.routeHost === undefined
          ? ['No host given: the router assigns <name>-<namespace>.<apps domain>.']
          : []),
      ],
      object: {
        apiVersion: 'route.openshift.io/v1',
        kind: 'Route',
        metadata: at(name),
        spec: {
          ...(options.routeHost === undefined ? {} : { host: options.routeHost }),
          to: { kind: 'Service', name, weight: 100 },
          port: { targetPort: 'http' },
          tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' },
        },
      },
    });
  }

  return {
    header: [
      `ferry bootstrap ${platform} --role target (ferry ${options.version})`,
      'Save this output as ferry-target.yaml and apply it on the PRODUCTION cluster (after the Secrets below):',
      `  ${cliName(platform)} apply -f ferry-target.yaml`,
      `ferry runs in ${namespace}. It promotes ${options.sourceRegistry}/${options.sourceNamespace}/${wildcard} (${SOURCE_ENVIRONMENT})`,
      `to ${options.targetRegistry}/${options.targetNamespace}/${wildcard} (${TARGET_ENVIRONMENT}).`,
      '',
      ...secretInstructions(options),
    ],
    manifests,
    footer: triggerInstructions(options),
  };
}

function serviceAccountComment(options: TargetOptions): string[] {
  if (options.targetAuth === 'auth-file') {
    return [
      'ferry runs as this account but needs no Kubernetes permission: it pushes with the robot account in',
      `Secret ${targetNames(options.name).targetAuth}, whose right the registry must limit to ${options.targetNamespace}`,
      '(Kubernetes RBAC has no verb for registry pushes), and its API token is not even mounted.',
    ];
  }
  if (options.platform === 'kubernetes') {
    return [
      "ferry pushes with this account's projected token. Kubernetes RBAC has no verb for registry pushes:",
      `your registry must authenticate Kubernetes tokens and allow system:serviceaccount:${options.namespace}:${options.serviceAccount}`,
      `to push to ${options.targetNamespace} only.`,
    ];
  }
  return ['ferry pushes as this account; its only permission is the RoleBinding below.'];
}

function pusherBinding(options: TargetOptions): IRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(
      `${options.name}-image-pusher`,
      options.targetNamespace,
      options.name,
      'promotion-service',
    ),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: IMAGE_PUSHER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: options.serviceAccount, namespace: options.namespace }],
  };
}

function mountedSecrets(options: TargetOptions): string[] {
  const names = targetNames(options.name);
  return [
    options.sourceAuth === 'token' ? names.sourceToken : names.sourceAuth,
    ...(options.targetAuth === 'auth-file' ? [names.targetAuth] : []),
    names.webhook,
  ];
}

/** What the non-prod CI runs instead of the seed's unsigned `curl -k` to a BuildConfig webhook. */
function triggerInstructions(options: TargetOptions): string[] {
  const server = options.publicUrl ?? 'https://<ferry route or ingress host>';
  return [
    ...(options.platform === 'kubernetes'
      ? [
          'Expose Service ' +
            `${options.name} port ${HTTP_PORT} over HTTPS with your Ingress or Gateway (TLS terminated there);`,
          'the non-prod CI must reach it.',
          '',
        ]
      : []),
    "Then, in the non-prod CI after the tests passed (exit code = the promotion's result):",
    `  ferry trigger --server ${server} --from ${SOURCE_ENVIRONMENT} \\`,
    `    --image ${options.sourceNamespace}/<image> --tag "$GIT_COMMIT" --wait --timeout 15m \\`,
    '    --secret-file <webhook-secret file> --token-file <viewer token file>',
  ];
}
