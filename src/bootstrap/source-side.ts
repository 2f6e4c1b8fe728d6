/**
 * `--role source`: what the non-production cluster needs so production ferry can pull from it, and
 * nothing more. The seed's Template did the same with two defects fixed here: its token was copied by
 * pasting `$(oc serviceaccounts get-token …)` into a command line, and (on clusters since Kubernetes
 * 1.24) no token Secret is created automatically any more, so one is declared explicitly.
 */
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { SourceOptions } from './bootstrap-options.ts';
import type { BootstrapOutput, Manifest } from './manifest.ts';
import { TOKEN_KEY } from './mount-paths.ts';
import { namespaceManifest } from './namespace.ts';
import { cliName, meta, targetNames, tokenSecretName } from './object-meta.ts';

/** OpenShift's built-in role: get on imagestreams/layers, i.e. pull and nothing else. */
export const IMAGE_PULLER_ROLE = 'system:image-puller';

export function sourceSide(options: SourceOptions): BootstrapOutput {
  const { namespace, serviceAccount, name, platform } = options;
  const cli = cliName(platform);
  const tokenSecret = tokenSecretName(serviceAccount);
  const manifests: Manifest[] = [];
  if (options.createNamespace) manifests.push(namespaceManifest(namespace, name, 'source-access'));

  manifests.push({
    comment: ['The identity production ferry pulls as. No pod runs as it, so no token is mounted anywhere.'],
    object: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: meta(serviceAccount, namespace, name, 'source-access'),
      automountServiceAccountToken: false,
    },
  });

  if (platform === 'openshift') {
    for (const sourceNamespace of options.sourceNamespaces) {
      manifests.push({
        comment: [
          `Pull only, and only from ${sourceNamespace}: a RoleBinding (never a ClusterRoleBinding) of ${IMAGE_PULLER_ROLE}.`,
        ],
        object: pullerBinding(options, sourceNamespace),
      });
    }
  }

  manifests.push({
    comment: [
      'The service account token, created and filled in by the cluster (Kubernetes 1.24+ no longer makes',
      'one by itself). This file holds no token: read it with the commands at the end of this output.',
    ],
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        ...meta(tokenSecret, namespace, name, 'source-access'),
        annotations: { 'kubernetes.io/service-account.name': serviceAccount },
      },
      type: 'kubernetes.io/service-account-token',
    },
  });

  return {
    header: [
      `ferry bootstrap ${platform} --role source (ferry ${options.version})`,
      'Save this output as ferry-source.yaml and apply it on the NON-PRODUCTION cluster:',
      `  ${cli} apply -f ferry-source.yaml`,
      `Creates service account ${namespace}/${serviceAccount}, allowed to pull from: ${options.sourceNamespaces.join(', ')}.`,
      ...(platform === 'openshift'
        ? [
            'It can pull images and nothing else: no push, no API access beyond that, no cluster-wide binding.',
          ]
        : genericRegistryNote(options)),
    ],
    manifests,
    footer: tokenInstructions(options, tokenSecret),
  };
}

function pullerBinding(options: SourceOptions, sourceNamespace: string): IRoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(`${options.name}-image-puller`, sourceNamespace, options.name, 'source-access'),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: IMAGE_PULLER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: options.serviceAccount, namespace: options.namespace }],
  };
}

/** Kubernetes RBAC has no verb for "pull from a registry": say so instead of printing a binding that does nothing. */
function genericRegistryNote(options: SourceOptions): string[] {
  const subject = `system:serviceaccount:${options.namespace}:${options.serviceAccount}`;
  return [
    '',
    'No RoleBinding: Kubernetes RBAC has no verb for pulling from a registry, and a generic registry',
    '(Harbor, Quay, GitLab, a cloud registry, distribution) does not consult Kubernetes roles. Grant the',
    'pull right in the registry itself, pull-only and limited to the namespaces above, either',
    `  - to ${subject}, if your registry authenticates Kubernetes`,
    '    service-account tokens (TokenReview); then use the token below and `--source-auth token` on the',
    '    target side; or',
    '  - to a pull-only robot account of the registry (most registries); then the target side takes its',
    '    auth file (`--source-auth auth-file`, the default on kubernetes) and the token below is not needed.',
  ];
}

/** How to move the token to production: through a file, never through a command line or a terminal. */
function tokenInstructions(options: SourceOptions, tokenSecret: string): string[] {
  const cli = cliName(options.platform);
  const names = targetNames(options.name);
  const registry = options.sourceRegistry ?? '<source-registry>';
  return [
    'Next steps. Copy the token to production through a file that only you can read; it never appears on',
    'a command line, in a terminal or in a log (the seed pasted it into a command line).',
    'The cluster fills in the Secret a moment after apply; until then .data.token is empty.',
    '',
    '  umask 077',
    `  ${cli} -n ${options.namespace} get secret ${tokenSecret} -o jsonpath='{.data.token}' | base64 --decode > nonprod-token`,
    '',
    'Check that it can pull before it leaves this cluster:',
    `  ferry list-tags --token-file nonprod-token docker://${registry}/${options.sourceNamespaces[0]}/<image>`,
    '',
    `On production, in the namespace ferry runs in (see \`ferry bootstrap ${options.platform} --role target\`):`,
    `  ${cli} -n <ferry-namespace> create secret generic ${names.sourceToken} --from-file=${TOKEN_KEY}=nonprod-token`,
    '  rm -f nonprod-token',
    '',
    'This token does not expire. To rotate it, delete the Secret (that revokes the token), apply this file',
    'again and repeat the steps above:',
    `  ${cli} -n ${options.namespace} delete secret ${tokenSecret}`,
  ];
}
