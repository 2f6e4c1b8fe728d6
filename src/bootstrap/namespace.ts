/** The optional Namespace object (`--create-namespace`): many clusters let only admins create namespaces. */
import type { Manifest } from './manifest.ts';
import { type Component, labels } from './object-meta.ts';

export function namespaceManifest(namespace: string, instance: string, component: Component): Manifest {
  return {
    comment: [
      'Only with --create-namespace; leave it out if the namespace exists or is created by an admin.',
    ],
    object: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace, labels: labels(instance, component) },
    },
  };
}
