/**
 * The kustomizations build (support/kustomize.ts resolves them without the kustomize binary), every
 * file they name exists, every patch lands on an existing object, the merged objects still validate,
 * and the pieces are wired together: references between objects resolve, selectors select the pods.
 * Where kubectl is installed, the result is also compared with `kubectl kustomize`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  buildAll,
  deploymentOf,
  find,
  findAll,
  podLabelsOf,
  podSpecOf,
  selects,
  specOf,
  VARIANTS,
} from './support/builds.ts';
import { typeKey, validateObject } from './support/kube-schemas.ts';
import { buildKustomization, nameOf } from './support/kustomize.ts';
import { DEPLOY, isObject, type JsonObject, listFiles, parseYaml, rel } from './support/repo-files.ts';

/** The Secrets each installation expects to exist (created out of band, never in deploy/). */
const EXPECTED_SECRETS = {
  kubernetes: ['ferry-nonprod-registry', 'ferry-prod-registry', 'ferry-tls', 'ferry-webhooks'],
  postgresql: [
    'ferry-database',
    'ferry-nonprod-registry',
    'ferry-prod-registry',
    'ferry-tls',
    'ferry-webhooks',
  ],
  openshift: ['ferry-nonprod-registry', 'ferry-webhooks'],
};

const installations = await buildAll();

describe('kustomize builds', () => {
  for (const { variant, objects } of installations) {
    test(`${variant}: every object validates and lives in namespace ferry`, () => {
      assert.ok(objects.length >= 8);
      for (const object of objects) {
        const id = `${typeKey(object)} ${nameOf(object)}`;
        assert.deepEqual(validateObject(object), [], id);
        const namespace = isObject(object.metadata) ? object.metadata.namespace : undefined;
        assert.equal(namespace, object.kind === 'Namespace' ? undefined : 'ferry', id);
      }
    });

    test(`${variant}: references between objects resolve and selectors select the pods`, () => {
      const deployment = deploymentOf(objects);
      const pod = podSpecOf(deployment);
      const labels = podLabelsOf(deployment);
      assert.ok(selects(deployment.spec?.selector, labels), 'Deployment selector');

      assert.ok(find(objects, 'ServiceAccount', pod.serviceAccountName), 'ServiceAccount');
      for (const volume of pod.volumes ?? []) {
        const configMaps = [
          volume.configMap?.name,
          ...(volume.projected?.sources ?? []).map((s) => s.configMap?.name),
        ].filter((n): n is string => n !== undefined);
        // Every ConfigMap is part of the installation (the OpenShift service CA one included).
        for (const name of configMaps) assert.ok(find(objects, 'ConfigMap', name), `ConfigMap ${name}`);
        const claim = volume.persistentVolumeClaim?.claimName;
        if (claim !== undefined) assert.ok(find(objects, 'PersistentVolumeClaim', claim), `claim ${claim}`);
      }
      const mounted = new Set(pod.containers.flatMap((c) => (c.volumeMounts ?? []).map((m) => m.name)));
      assert.deepEqual(
        [...mounted].sort(),
        (pod.volumes ?? []).map((v) => v.name).sort(),
        'volumes = mounts',
      );

      const containerPorts = pod.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name));
      const services = findAll(objects, 'Service');
      assert.equal(services.length, 1);
      const service = services[0] as {
        spec: { selector: Record<string, string>; ports: { name: string; targetPort: unknown }[] };
      } & JsonObject;
      assert.ok(selects(service.spec.selector, labels), 'Service selector');
      for (const port of service.spec.ports)
        assert.ok(containerPorts.includes(String(port.targetPort)), port.name);
      const servicePorts = service.spec.ports.map((p) => p.name);

      for (const ingress of findAll(objects, 'Ingress')) {
        const backends = JSON.stringify(ingress.spec).match(
          /"service":\{"name":"[^"]+","port":\{"name":"[^"]+"\}\}/g,
        );
        assert.deepEqual(backends, [`"service":{"name":"${nameOf(service)}","port":{"name":"http"}}`]);
        assert.ok(servicePorts.includes('http'));
      }
      for (const route of findAll(objects, 'Route')) {
        const spec = route.spec as { to: { name: string }; port: { targetPort: string } };
        assert.equal(spec.to.name, nameOf(service));
        assert.ok(servicePorts.includes(spec.port.targetPort), 'Route targetPort names a Service port');
      }
      for (const kind of ['NetworkPolicy', 'PodDisruptionBudget']) {
        for (const object of findAll(objects, kind)) {
          const spec = object.spec as { podSelector?: unknown; selector?: unknown };
          assert.ok(selects(spec.podSelector ?? spec.selector, labels), `${kind} selects the pods`);
        }
      }
    });

    test(`${variant}: the Secrets it needs are referenced by name, never defined`, () => {
      const pod = podSpecOf(deploymentOf(objects));
      const secrets = new Set<string>();
      for (const volume of pod.volumes ?? [])
        if (volume.secret?.secretName) secrets.add(volume.secret.secretName);
      for (const container of pod.containers)
        for (const env of container.env ?? [])
          if (env.valueFrom?.secretKeyRef?.name) secrets.add(env.valueFrom.secretKeyRef.name);
      for (const ingress of findAll(objects, 'Ingress'))
        for (const tls of (ingress.spec as { tls?: { secretName?: string }[] }).tls ?? [])
          if (tls.secretName) secrets.add(tls.secretName);
      assert.deepEqual([...secrets].sort(), EXPECTED_SECRETS[variant]);
      assert.deepEqual(findAll(objects, 'Secret'), []);
    });
  }

  test('embedded database: one replica, Recreate, data on a claim; PDB lets drains through', () => {
    for (const { variant, objects } of installations.filter((i) => i.variant !== 'postgresql')) {
      const deployment = deploymentOf(objects);
      assert.equal(deployment.spec?.replicas, 1, variant);
      assert.equal(deployment.spec?.strategy?.type, 'Recreate', variant);
      const data = podSpecOf(deployment).volumes?.find((v) => v.name === 'data');
      assert.equal(data?.persistentVolumeClaim?.claimName, 'ferry-data', variant);
      assert.equal(podSpecOf(deployment).containers[0]?.env, undefined, `${variant}: no FERRY_DATABASE_URL`);
      assert.deepEqual(find(objects, 'PodDisruptionBudget')?.spec, {
        maxUnavailable: 1,
        selector: { matchLabels: podLabelsOf(deployment) },
      });
    }
  });

  test('postgresql: several replicas rolling, database URL from a Secret, no claim, PDB keeps one', () => {
    const { objects } = installations.find((i) => i.variant === 'postgresql')!;
    const deployment = deploymentOf(objects);
    assert.ok((deployment.spec?.replicas ?? 0) >= 2);
    assert.deepEqual(deployment.spec?.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
    const pod = podSpecOf(deployment);
    assert.deepEqual(pod.containers[0]?.env, [
      { name: 'FERRY_DATABASE_URL', valueFrom: { secretKeyRef: { name: 'ferry-database', key: 'url' } } },
    ]);
    assert.ok(pod.volumes?.every((v) => v.persistentVolumeClaim === undefined));
    assert.equal(find(objects, 'PersistentVolumeClaim'), undefined);
    const pdb = specOf(objects, 'PodDisruptionBudget');
    assert.equal(pdb.minAvailable, 1);
    assert.equal(pdb.maxUnavailable, undefined);
    const egressPorts = JSON.stringify(specOf(objects, 'NetworkPolicy').egress);
    assert.match(egressPorts, /"port":5432/);
  });

  test('openshift: a Route with edge TLS and redirect instead of the Ingress', () => {
    const { objects } = installations.find((i) => i.variant === 'openshift')!;
    assert.equal(find(objects, 'Ingress'), undefined);
    assert.equal(find(objects, 'Route')?.apiVersion, 'route.openshift.io/v1');
    assert.deepEqual(specOf(objects, 'Route').tls, {
      termination: 'edge',
      insecureEdgeTerminationPolicy: 'Redirect',
    });
  });

  test('every file under deploy/kubernetes and deploy/openshift is used by a build', async () => {
    const used = new Set(installations.flatMap((i) => i.files));
    const files = [
      ...(await listFiles(join(DEPLOY, 'kubernetes'))),
      ...(await listFiles(join(DEPLOY, 'openshift'))),
    ];
    assert.deepEqual(files.filter((f) => !used.has(f)).map(rel), []);
  });

  test('the builds match `kubectl kustomize` (when kubectl is installed)', (t) => {
    for (const { variant, objects } of installations) {
      const result = spawnSync('kubectl', ['kustomize', VARIANTS[variant]], { encoding: 'utf8' });
      if (result.error !== undefined) {
        t.skip(`kubectl not available: ${result.error.message}`);
        return;
      }
      assert.equal(result.status, 0, result.stderr);
      // kustomize names generated ConfigMaps "<name>-<content hash>"; support/kustomize.ts keeps "<name>".
      const generated = new Map(
        findAll(objects, 'ConfigMap').map((c) => [nameOf(c)!, new RegExp(`^${nameOf(c)}-[a-z0-9]{10}$`)]),
      );
      const unhash = (value: unknown): unknown => {
        if (typeof value === 'string') {
          for (const [name, re] of generated) if (re.test(value)) return name;
          return value;
        }
        if (Array.isArray(value)) return value.map(unhash);
        if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unhash(v)]));
        return value;
      };
      const key = (o: unknown) => `${typeKey(o)} ${isObject(o) ? nameOf(o) : ''}`;
      const theirs = parseYaml(result.stdout, `kubectl kustomize ${variant}`).map(unhash);
      const byKey = (a: unknown, b: unknown) => key(a).localeCompare(key(b));
      assert.deepEqual([...theirs].sort(byKey), [...objects].sort(byKey), variant);
    }
  });
});

describe('the kustomize resolver refuses what kustomize would refuse', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-kustomize-'));
  after(() => rm(dir, { recursive: true, force: true }));
  /** An overlay on the base with one patch; `target` is YAML lines, '' for none. */
  const overlayWith = async (name: string, patch: string, target: string): Promise<string> => {
    const path = join(dir, name);
    await mkdir(path, { recursive: true });
    await writeFile(join(path, 'patch.yaml'), patch);
    await writeFile(
      join(path, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        `  - ${join(DEPLOY, 'kubernetes/base')}`,
        'patches:',
        '  - path: patch.yaml',
        ...(target === '' ? [] : ['    target:', ...target.split('\n').map((l) => `      ${l}`)]),
        '',
      ].join('\n'),
    );
    return path;
  };

  test('a failing RFC 6902 test operation (a reordered base)', async () => {
    const path = await overlayWith(
      'reordered',
      '- op: test\n  path: /spec/template/spec/volumes/0/name\n  value: data\n',
      'kind: Deployment\nname: ferry',
    );
    await assert.rejects(buildKustomization(path), /test failed at \/spec\/template\/spec\/volumes\/0\/name/);
  });

  test('a patch whose target does not exist', async () => {
    const path = await overlayWith(
      'no-target',
      '- op: remove\n  path: /spec/replicas\n',
      'kind: Deployment\nname: fery',
    );
    await assert.rejects(buildKustomization(path), /matches no object/);
  });

  test('removing a field that is not there', async () => {
    const path = await overlayWith(
      'no-field',
      '- op: remove\n  path: /spec/paused\n',
      'kind: Deployment\nname: ferry',
    );
    await assert.rejects(buildKustomization(path), /\/spec\/paused does not exist/);
  });

  test('deleting an object that is not there', async () => {
    const path = await overlayWith(
      'no-object',
      '$patch: delete\napiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n',
      '',
    );
    await assert.rejects(buildKustomization(path), /deletes nothing/);
  });

  test('a patch that breaks the schema is caught by validating the result', async () => {
    const path = await overlayWith(
      'bad-type',
      '- op: replace\n  path: /spec/replicas\n  value: two\n',
      'kind: Deployment\nname: ferry',
    );
    const { objects } = await buildKustomization(path);
    assert.match(validateObject(find(objects, 'Deployment')).join(), /replicas must be integer/);
  });

  test('a kustomization field the resolver does not implement', async () => {
    const path = join(dir, 'unsupported');
    await mkdir(path, { recursive: true });
    await writeFile(
      join(path, 'kustomization.yaml'),
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ${join(DEPLOY, 'kubernetes/base')}\ncommonLabels:\n  a: b\n`,
    );
    await assert.rejects(buildKustomization(path), /must NOT have additional properties/);
  });
});
