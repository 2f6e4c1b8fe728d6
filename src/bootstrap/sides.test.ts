import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { type BootstrapFlags, parseBootstrapOptions } from './bootstrap-options.ts';
import { bootstrapObjects } from './index.ts';
import type { KubeObject } from './manifest.ts';

function objects(flags: BootstrapFlags): KubeObject[] {
  return bootstrapObjects(parseBootstrapOptions(flags, '0.1.0')).manifests.map((m) => m.object);
}

const TARGET: BootstrapFlags = {
  role: 'target',
  sourceNamespace: ['team-a'],
  targetNamespace: 'team-a-prod',
  namespace: 'ferry',
  sourceRegistry: 'registry.nonprod.example',
  targetRegistry: 'registry.prod.example',
};

test('names follow --name and --service-account', () => {
  const source = objects({
    platform: 'openshift',
    role: 'source',
    sourceNamespace: ['team-a'],
    name: 'promoter',
    serviceAccount: 'puller',
  });
  assert.deepEqual(
    source.map((o) => `${o.kind}/${o.metadata?.name}`),
    ['ServiceAccount/puller', 'RoleBinding/promoter-image-puller', 'Secret/puller-token'],
  );
  const target = objects({ ...TARGET, platform: 'openshift', name: 'promoter', serviceAccount: 'pusher' });
  const binding = target.find((o): o is IRoleBinding => o.kind === 'RoleBinding');
  assert.deepEqual(binding?.subjects, [{ kind: 'ServiceAccount', name: 'pusher', namespace: 'ferry' }]);
  const deployment = target.find((o): o is IDeployment => o.kind === 'Deployment');
  assert.equal(deployment?.spec?.template.spec?.serviceAccountName, 'pusher');
  assert.deepEqual(
    deployment?.spec?.template.spec?.volumes?.flatMap((v) => (v.secret ? [v.secret.secretName] : [])),
    ['promoter-source-token', 'promoter-webhook'],
  );
});

test('the Deployment selector matches the Service selector and the pod labels', () => {
  for (const platform of ['openshift', 'kubernetes']) {
    const target = objects({ ...TARGET, platform });
    const deployment = target.find((o): o is IDeployment => o.kind === 'Deployment')!;
    const service = target.find((o) => o.kind === 'Service');
    const selector = deployment.spec!.selector.matchLabels!;
    assert.deepEqual(service?.kind === 'Service' && service.spec?.selector, selector);
    const podLabels = deployment.spec!.template.metadata!.labels!;
    for (const [key, value] of Object.entries(selector)) assert.equal(podLabels[key], value);
  }
});

test('one replica, replaced not rolled: the embedded database must never be opened twice', () => {
  const deployment = objects({ ...TARGET, platform: 'kubernetes' }).find(
    (o): o is IDeployment => o.kind === 'Deployment',
  )!;
  assert.equal(deployment.spec?.replicas, 1);
  assert.deepEqual(deployment.spec?.strategy, { type: 'Recreate' });
});

test('storage class and size reach the claim', () => {
  const claim = objects({ ...TARGET, platform: 'kubernetes', storageSize: '5Gi', storageClass: 'fast' }).find(
    (o) => o.kind === 'PersistentVolumeClaim',
  );
  assert.deepEqual(claim?.kind === 'PersistentVolumeClaim' && claim.spec, {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '5Gi' } },
    storageClassName: 'fast',
  });
});
