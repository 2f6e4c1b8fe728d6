import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import type { IConfigMap, ISecret } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { ConfigError } from '../../src/service/config/config-error.ts';
import { FAKE_CA_PEM, memoryFiles } from '../../src/service/config/config-fixture.ts';
import { parseConfig } from '../../src/service/config/load-config.ts';
import { runBootstrap } from './cli.ts';
import { validateManifest } from './validate-manifests.ts';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } } & Record<
  string,
  unknown
>;

const OPENSHIFT_SOURCE = [
  'openshift',
  '--role',
  'source',
  '--source-namespace',
  'team-a',
  '--source-namespace',
  'team-b',
  '--namespace',
  'ferry-access',
  '--create-namespace',
  '--source-registry',
  'default-route-openshift-image-registry.apps.nonprod.example',
];
const KUBERNETES_SOURCE = ['kubernetes', '--role', 'source', '--source-namespace', 'team-a'];
const OPENSHIFT_TARGET = [
  'openshift',
  '--role',
  'target',
  '--namespace',
  'ferry',
  '--create-namespace',
  '--source-namespace',
  'team-a',
  '--target-namespace',
  'team-a-prod',
  '--source-registry',
  'default-route-openshift-image-registry.apps.nonprod.example',
  '--target-registry',
  'image-registry.openshift-image-registry.svc:5000',
  '--target-ca-configmap',
  'service-ca',
  '--route-host',
  'ferry.apps.prod.example',
];
const KUBERNETES_TARGET = [
  'kubernetes',
  '--role',
  'target',
  '--source-namespace',
  'team-a',
  '--target-namespace',
  'team-a',
  '--source-registry',
  'harbor.nonprod.example',
  '--target-registry',
  'registry.prod.example:5000',
];

async function bootstrap(args: readonly string[]): Promise<{ stdout: string; objects: Obj[] }> {
  const run = await runBootstrap(args);
  assert.equal(run.stderr, '');
  assert.equal(run.code, 0);
  const docs = parseAllDocuments(run.stdout);
  assert.ok(Array.isArray(docs), 'output is a YAML stream');
  for (const doc of docs) assert.deepEqual(doc.errors, []);
  const objects = docs.map((doc) => doc.toJS() as Obj | null).filter((o): o is Obj => o !== null);
  return { stdout: run.stdout, objects };
}

const ofKind = <T = Obj>(objects: readonly Obj[], kind: string): T[] =>
  objects.filter((o) => o.kind === kind) as unknown as T[];

function only<T>(items: readonly T[], what: string): T {
  assert.equal(items.length, 1, `exactly one ${what}`);
  return items[0]!;
}

/** Safety invariants every output must keep, whatever the flags. */
function assertSafe(stdout: string, objects: readonly Obj[]): void {
  for (const object of objects) validateManifest(object);
  for (const secret of ofKind<ISecret>(objects, 'Secret')) {
    assert.equal(secret.data, undefined, `Secret ${secret.metadata?.name} carries no data`);
    assert.equal(secret.stringData, undefined, `Secret ${secret.metadata?.name} carries no stringData`);
  }
  assert.deepEqual(
    objects.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'ClusterRole' || o.kind === 'Role'),
    [],
    'no cluster-wide bindings, no custom roles',
  );
  // Nothing that looks like a credential: JWTs (service-account tokens), whsec_ secrets, long base64 or hex.
  assert.doesNotMatch(stdout, /eyJ[A-Za-z0-9_-]{10,}/);
  assert.doesNotMatch(stdout, /whsec_[A-Za-z0-9+/=]{8,}/);
  assert.doesNotMatch(stdout, /[A-Za-z0-9+/]{40,}={0,2}/);
  assert.doesNotMatch(stdout, /\b[0-9a-f]{32,}\b/);
  // Secrets go through files: never as command-line values, never through command substitution.
  assert.doesNotMatch(stdout, /--from-literal|--docker-password|--password[= ]|\$\(/);
}

function deploymentOf(objects: readonly Obj[]) {
  const deployment = only(ofKind<IDeployment>(objects, 'Deployment'), 'Deployment');
  const pod = deployment.spec!.template.spec!;
  const container = only(pod.containers, 'container');
  return { deployment, pod, container };
}

/**
 * Loads the generated ferry.yaml with ferry's own loader, supplying every file it asks for, and returns
 * the paths it read (the secret, token, auth and CA files it references). The loader checks referenced
 * files at start-up (checkSources), so they must exist; test-only contents stand in for them.
 */
async function loadGeneratedConfig(objects: readonly Obj[]) {
  const configMap = only(
    ofKind<IConfigMap>(objects, 'ConfigMap').filter((c) => c.metadata?.name === 'ferry-config'),
    'ConfigMap ferry-config',
  );
  const text = configMap.data?.['ferry.yaml'];
  assert.ok(text !== undefined, 'ConfigMap has ferry.yaml');
  // Stand-ins of the right shape for whatever the loader asks for; `reads` records what it asked for.
  const reads: string[] = [];
  const readFile = async (path: string): Promise<Uint8Array> => {
    reads.push(path);
    if (path.endsWith('.dockerconfigjson')) return new TextEncoder().encode('{"auths":{}}');
    if (path.endsWith('ca.crt')) return new TextEncoder().encode(FAKE_CA_PEM);
    return new TextEncoder().encode('test-only-value');
  };
  const options = { file: '/etc/ferry/ferry.yaml', env: {} };
  const loaded = await parseConfig(text, { ...options, readFile, readDir: async () => [] });
  assert.deepEqual(loaded.warnings, [], 'no warnings (TLS on, no inline secrets, nothing unused)');
  const referenced = [...new Set(reads)];
  assert.ok(referenced.length >= 3, `the config references its credential files (${referenced.join(', ')})`);
  // The loader checks referenced files at start-up: without them it refuses, one problem per file.
  await assert.rejects(
    parseConfig(text, { ...options, ...memoryFiles({}) }),
    (err) => err instanceof ConfigError && err.problems.length === referenced.length,
  );
  return { text, config: loaded.config, reads: referenced };
}

/** Every file the config reads is a key projected by one of the Deployment's volumes. */
function assertMounted(objects: readonly Obj[], reads: readonly string[]): void {
  const { pod, container } = deploymentOf(objects);
  for (const path of reads) {
    if (path.startsWith('/var/run/secrets/kubernetes.io/serviceaccount/')) {
      assert.equal(pod.automountServiceAccountToken, true, `${path} needs the projected token`);
      continue;
    }
    const slash = path.lastIndexOf('/');
    const [dir, key] = [path.slice(0, slash), path.slice(slash + 1)];
    const mount = container.volumeMounts?.find((m) => m.mountPath === dir);
    assert.ok(mount, `${path} is under a volume mount`);
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    const items = volume?.secret?.items ?? volume?.configMap?.items;
    assert.ok(
      items?.some((item) => item.key === key && item.path === key),
      `${path}: key ${key} is projected`,
    );
  }
}

/** Each Secret the Deployment mounts has a printed `create secret … --from-file=<key>=` instruction. */
function assertSecretInstructions(stdout: string, objects: readonly Obj[]): void {
  const { pod } = deploymentOf(objects);
  for (const volume of pod.volumes ?? []) {
    if (volume.secret === undefined) continue;
    const key = volume.secret.items![0]!.key;
    const command = new RegExp(
      `create secret generic ${volume.secret.secretName} .*--from-file=${key.replace('.', '\\.')}=`,
    );
    assert.match(stdout, command, `instructions create ${volume.secret.secretName}`);
  }
}

function assertHardened(objects: readonly Obj[], platform: 'openshift' | 'kubernetes'): void {
  const { pod, container } = deploymentOf(objects);
  assert.equal(container.image, 'ghcr.io/ferry-dev/ferry:0.1.0');
  assert.deepEqual(container.args, ['serve', '--config', '/etc/ferry/ferry.yaml']);
  assert.deepEqual(container.ports, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  assert.equal(container.livenessProbe?.httpGet?.path, '/healthz');
  assert.equal(container.readinessProbe?.httpGet?.path, '/readyz');
  const sc = container.securityContext!;
  assert.equal(sc.allowPrivilegeEscalation, false);
  assert.equal(sc.readOnlyRootFilesystem, true);
  assert.equal(sc.runAsNonRoot, true);
  assert.deepEqual(sc.capabilities, { drop: ['ALL'] });
  assert.equal(sc.seccompProfile?.type, 'RuntimeDefault');
  assert.equal(pod.securityContext?.runAsNonRoot, true);
  if (platform === 'openshift') {
    // restricted-v2 assigns the user from the namespace's range; a fixed one would be refused.
    assert.equal(sc.runAsUser, undefined);
    assert.equal(pod.securityContext?.runAsUser, undefined);
    assert.equal(pod.securityContext?.fsGroup, undefined);
  } else {
    assert.equal(sc.runAsUser, 10001);
    assert.equal(pod.securityContext?.runAsUser, 10001);
  }
  const mountAt = (path: string) => {
    const mount = container.volumeMounts?.find((m) => m.mountPath === path);
    assert.ok(mount, `a volume is mounted at ${path}`);
    return pod.volumes?.find((v) => v.name === mount.name);
  };
  assert.ok(mountAt('/tmp')?.emptyDir, '/tmp is an emptyDir');
  assert.ok(mountAt('/var/lib/ferry')?.persistentVolumeClaim, '/var/lib/ferry is a claim');
  assert.equal(mountAt('/etc/ferry')?.configMap?.name, 'ferry-config');
}

describe('ferry bootstrap openshift --role source', () => {
  test('a pull-only service account bound to system:image-puller in each source namespace', async () => {
    const { stdout, objects } = await bootstrap(OPENSHIFT_SOURCE);
    assertSafe(stdout, objects);
    assert.deepEqual(
      objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`),
      [
        'Namespace /ferry-access',
        'ServiceAccount ferry-access/ferry-image-puller',
        'RoleBinding team-a/ferry-image-puller',
        'RoleBinding team-b/ferry-image-puller',
        'Secret ferry-access/ferry-image-puller-token',
      ],
    );
    for (const binding of ofKind<IRoleBinding>(objects, 'RoleBinding')) {
      assert.deepEqual(binding.roleRef, {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'system:image-puller',
      });
      assert.deepEqual(binding.subjects, [
        { kind: 'ServiceAccount', name: 'ferry-image-puller', namespace: 'ferry-access' },
      ]);
    }
    const secret = only(ofKind<ISecret>(objects, 'Secret'), 'Secret');
    assert.equal(secret.type, 'kubernetes.io/service-account-token');
    assert.equal(secret.metadata?.annotations?.['kubernetes.io/service-account.name'], 'ferry-image-puller');
    // The extraction goes into a file, under umask 077; the token itself is never printed.
    assert.match(stdout, /^# {3}umask 077$/m);
    assert.match(
      stdout,
      /^# {3}oc -n ferry-access get secret ferry-image-puller-token -o jsonpath='\{\.data\.token\}' \| base64 --decode > nonprod-token$/m,
    );
    assert.match(
      stdout,
      /oc -n <ferry-namespace> create secret generic ferry-source-token --from-file=token=nonprod-token/,
    );
  });
});

describe('ferry bootstrap kubernetes --role source', () => {
  test('service account and token Secret, no RBAC binding (no registry verb), and says so', async () => {
    const { stdout, objects } = await bootstrap(KUBERNETES_SOURCE);
    assertSafe(stdout, objects);
    assert.deepEqual(
      objects.map((o) => `${o.kind} ${o.metadata.name}`),
      ['ServiceAccount ferry-image-puller', 'Secret ferry-image-puller-token'],
    );
    assert.match(stdout, /Kubernetes RBAC has no verb for pulling from a registry/);
    assert.match(stdout, /system:serviceaccount:team-a:ferry-image-puller/);
    assert.match(stdout, /kubectl -n team-a get secret ferry-image-puller-token -o jsonpath=/);
  });
});

describe('ferry bootstrap openshift --role target', () => {
  test('ferry serve, push-only in the target namespace, secrets by reference, a TLS Route', async () => {
    const { stdout, objects } = await bootstrap(OPENSHIFT_TARGET);
    assertSafe(stdout, objects);
    assert.deepEqual(
      objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`),
      [
        'Namespace /ferry',
        'ServiceAccount ferry/ferry',
        'RoleBinding team-a-prod/ferry-image-pusher',
        'ConfigMap ferry/ferry-config',
        'PersistentVolumeClaim ferry/ferry-data',
        'Deployment ferry/ferry',
        'Service ferry/ferry',
        'Route ferry/ferry',
      ],
    );
    const binding = only(ofKind<IRoleBinding>(objects, 'RoleBinding'), 'RoleBinding');
    assert.deepEqual(binding.roleRef, {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'system:image-pusher',
    });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'ferry', namespace: 'ferry' }]);
    assertHardened(objects, 'openshift');
    assert.equal(deploymentOf(objects).pod.serviceAccountName, 'ferry');

    const route = only(ofKind(objects, 'Route'), 'Route') as Obj & { spec: Record<string, unknown> };
    assert.deepEqual(route.spec.tls, { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' });
    assert.equal(route.spec.host, 'ferry.apps.prod.example');

    const { config, reads } = await loadGeneratedConfig(objects);
    assert.equal(config.server.publicUrl, 'https://ferry.apps.prod.example');
    assert.equal(config.environments.nonprod?.tls.verify, true);
    assert.equal(config.environments.prod?.tls.verify, true);
    assert.equal(config.environments.prod?.tls.caFile, '/etc/ferry-ca/prod/ca.crt');
    assert.deepEqual(config.environments.nonprod?.credentials, {
      kind: 'token-file',
      tokenFile: '/var/run/secrets/ferry/nonprod/token',
      username: 'ferry',
    });
    assert.equal(config.environments.prod?.credentials.kind, 'token-file');
    const rule = only(config.promotions, 'promotion rule');
    assert.deepEqual(rule.from, { environment: 'nonprod', repository: 'team-a/*' });
    assert.deepEqual(rule.to, { environment: 'prod', repository: 'team-a-prod/*' });
    assert.equal(config.triggers.standardWebhooks.enabled, true);
    assert.deepEqual(config.triggers.standardWebhooks.secrets, [
      { file: '/var/run/secrets/ferry/webhook/secret' },
    ]);
    assertMounted(objects, reads);
    assertSecretInstructions(stdout, objects);
  });
});

describe("ferry bootstrap openshift --role target: the internal registry's CA", () => {
  /** OPENSHIFT_TARGET without --target-ca-configmap: the internal registry, trusted through the service CA. */
  const withoutCa = OPENSHIFT_TARGET.filter(
    (arg, i, all) => arg !== '--target-ca-configmap' && all[i - 1] !== '--target-ca-configmap',
  );

  test('a ConfigMap OpenShift injects the service CA into, mounted where ferry.yaml looks for it', async () => {
    const { stdout, objects } = await bootstrap(withoutCa);
    assertSafe(stdout, objects);
    const serviceCa = only(
      ofKind<IConfigMap>(objects, 'ConfigMap').filter((c) => c.metadata?.name !== 'ferry-config'),
      'service CA ConfigMap',
    );
    assert.equal(serviceCa.metadata?.name, 'ferry-service-ca');
    assert.equal(serviceCa.metadata?.namespace, 'ferry');
    assert.deepEqual(serviceCa.metadata?.annotations, {
      'service.beta.openshift.io/inject-cabundle': 'true',
    });
    // No data: the service-ca operator writes the key, and re-applying the file must not remove it.
    assert.equal(serviceCa.data, undefined);

    const { pod, container } = deploymentOf(objects);
    const volume = pod.volumes?.find((v) => v.configMap?.name === 'ferry-service-ca');
    assert.deepEqual(volume?.configMap?.items, [{ key: 'service-ca.crt', path: 'service-ca.crt' }]);
    const mount = container.volumeMounts?.find((m) => m.name === volume?.name);
    assert.equal(mount?.mountPath, '/etc/ferry-ca/prod');
    assert.equal(mount?.readOnly, true);

    const { config, reads } = await loadGeneratedConfig(objects);
    assert.equal(config.environments.prod?.registry, 'image-registry.openshift-image-registry.svc:5000');
    assert.equal(config.environments.prod?.tls.verify, true);
    assert.equal(config.environments.prod?.tls.caFile, '/etc/ferry-ca/prod/service-ca.crt');
    assert.ok(reads.includes('/etc/ferry-ca/prod/service-ca.crt'), 'the loader checks the CA file');
    // And the file the config names is exactly the key the ConfigMap volume projects.
    assertMounted(objects, reads);
  });

  test('--target-ca-configmap replaces the service CA; kubernetes gets none by default', async () => {
    const own = await bootstrap(OPENSHIFT_TARGET);
    assert.deepEqual(
      ofKind<IConfigMap>(own.objects, 'ConfigMap').map((c) => c.metadata?.name),
      ['ferry-config'],
    );
    assert.doesNotMatch(own.stdout, /inject-cabundle/);
    const kube = await bootstrap(KUBERNETES_TARGET);
    assert.doesNotMatch(kube.stdout, /inject-cabundle|service-ca/);
    assert.equal((await loadGeneratedConfig(kube.objects)).config.environments.prod?.tls.caFile, undefined);
  });
});

describe('ferry bootstrap kubernetes --role target', () => {
  test('ferry serve with uid 10001, robot-account auth files, no RBAC, no Route', async () => {
    const { stdout, objects } = await bootstrap(KUBERNETES_TARGET);
    assertSafe(stdout, objects);
    assert.deepEqual(
      objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`),
      [
        'ServiceAccount team-a/ferry',
        'ConfigMap team-a/ferry-config',
        'PersistentVolumeClaim team-a/ferry-data',
        'Deployment team-a/ferry',
        'Service team-a/ferry',
      ],
    );
    assertHardened(objects, 'kubernetes');
    // Pushes use a robot account's auth file: the pod's Kubernetes token is not even mounted.
    assert.equal(deploymentOf(objects).pod.automountServiceAccountToken, false);
    const { config, reads } = await loadGeneratedConfig(objects);
    assert.equal(config.environments.nonprod?.credentials.kind, 'auth-file');
    assert.equal(config.environments.prod?.credentials.kind, 'auth-file');
    assert.equal(config.environments.prod?.registry, 'registry.prod.example:5000');
    assertMounted(objects, reads);
    assertSecretInstructions(stdout, objects);
  });

  test('token auth, a viewer token hash and a tag pattern that needs quoting still load', async () => {
    const sha = 'a'.repeat(64);
    const { objects } = await bootstrap([
      ...KUBERNETES_TARGET,
      '--source-auth',
      'token',
      '--target-auth',
      'service-account',
      '--tags',
      'v[0-9]+: "x"',
      '--viewer-token-sha256',
      sha,
      '--public-url',
      'https://ferry.prod.example/',
    ]);
    for (const object of objects) validateManifest(object);
    const { config, reads } = await loadGeneratedConfig(objects);
    assert.equal(only(config.promotions, 'rule').tags, 'v[0-9]+: "x"');
    assert.deepEqual(config.apiTokens, [{ name: 'nonprod-ci', role: 'viewer', sha256: sha }]);
    assert.equal(config.server.publicUrl, 'https://ferry.prod.example');
    assert.equal(deploymentOf(objects).pod.automountServiceAccountToken, true);
    assertMounted(objects, reads);
  });
});

describe('the validator itself', () => {
  test('rejects broken objects', async () => {
    const { objects } = await bootstrap(OPENSHIFT_TARGET);
    const deployment = structuredClone(ofKind(objects, 'Deployment')[0]!) as Obj & {
      spec: { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } };
    };
    deployment.spec.template.spec.containers[0]!.ports[0]!.containerPort = 'http';
    assert.throws(() => validateManifest(deployment), /Deployment ferry: .*containerPort must be integer/);

    const route = structuredClone(ofKind(objects, 'Route')[0]!) as Obj & { spec: Record<string, unknown> };
    assert.throws(
      () => validateManifest({ ...route, spec: { ...route.spec, tls: { termination: 'bogus' } } }),
      /Route ferry: .*allowed values/,
    );
    assert.throws(
      () => validateManifest({ ...route, spec: { ...route.spec, hots: 'x' } }),
      /additional properties/,
    );
    assert.throws(
      () => validateManifest({ apiVersion: 'v1', kind: 'Pdo', metadata: { name: 'x' } }),
      /no schema for v1\/Pdo/,
    );
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data: { token: 7 } };
    assert.throws(() => validateManifest(secret), /Secret x/);
  });
});

describe('bad usage exits 2 and names the value', () => {
  const cases: [string, readonly string[], RegExp][] = [
    [
      'bad namespace',
      ['openshift', '--role', 'source', '--source-namespace', 'Team_A'],
      /--source-namespace "Team_A": must be a DNS-1123 label/,
    ],
    [
      'bad target namespace',
      [...KUBERNETES_TARGET.slice(0, 5), '--target-namespace', 'prod.ns', ...KUBERNETES_TARGET.slice(7)],
      /--target-namespace "prod\.ns": must be a DNS-1123 label/,
    ],
    [
      'registry host with a scheme',
      [
        ...KUBERNETES_TARGET.slice(0, 7),
        '--source-registry',
        'https://harbor.example',
        ...KUBERNETES_TARGET.slice(9),
      ],
      /--source-registry "https:\/\/harbor\.example": must be host\[:port\] without a scheme/,
    ],
    [
      'registry host with a path',
      [...KUBERNETES_TARGET.slice(0, 9), '--target-registry', 'registry.example/team'],
      /--target-registry "registry\.example\/team": must be host\[:port\] only/,
    ],
    [
      'unknown platform',
      ['eks', '--role', 'source'],
      /platform "eks": expected one of openshift, kubernetes/,
    ],
    ['missing role', ['openshift', '--source-namespace', 'a'], /--role is required/],
    ['bad --name', [...KUBERNETES_TARGET, '--name', '1ferry'], /--name "1ferry": must be a DNS-1035 label/],
    [
      'Route on kubernetes',
      [...KUBERNETES_TARGET, '--route-host', 'ferry.example'],
      /--route-host applies to openshift only/,
    ],
    [
      'missing target registry',
      KUBERNETES_TARGET.slice(0, 9),
      /--target-registry is required with --role target/,
    ],
  ];
  for (const [name, args, message] of cases) {
    test(name, async () => {
      const run = await runBootstrap(args);
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
      assert.match(run.stderr, /\[FERRY_E_BAD_USAGE\]$/m);
    });
  }

  test('a bad token hash is refused without echoing it', async () => {
    const run = await runBootstrap([...KUBERNETES_TARGET, '--viewer-token-sha256', 'my-actual-token']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--viewer-token-sha256: must be the 64-character hex SHA-256/);
    assert.doesNotMatch(run.stderr, /my-actual-token/);
  });
});
