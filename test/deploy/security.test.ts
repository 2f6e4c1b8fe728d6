/**
 * Security invariants of everything under deploy/: secrets are referenced, never written down; every
 * container runs as non-root on a read-only root file system with no capabilities, no privilege
 * escalation and the runtime's seccomp profile; the pod holds no Kubernetes API token; probes hit the
 * health endpoints; the network policy opens only what ferry uses.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { buildAll, deploymentOf, find, podSpecOf, specOf } from './support/builds.ts';
import { parseDockerfile } from './support/dockerfile.ts';
import { applyJsonPatch } from './support/kustomize.ts';
import { DEPLOY, deployYamlFiles, isObject, listFiles, readYaml, rel } from './support/repo-files.ts';

/** Environment variable names that hold secrets: they must come from a Secret, never a literal. */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|API_KEY|PRIVATE|DATABASE_URL/i;

/** Text that is a secret whatever file it is in. */
const SECRET_TEXT: [string, RegExp][] = [
  ['Standard Webhooks secret', /whsec_[A-Za-z0-9+/=]{8,}/],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{20,}/],
  ['password in a URL', /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@<…]+@/],
  ['JWT (service-account token)', /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\./],
];

/** Why a container (with its pod) breaks the invariants; [] if it does not. */
function containerProblems(pod: IPodSpec | undefined, container: IContainer): string[] {
  const problems: string[] = [];
  const sc = container.securityContext ?? {};
  const podSc = pod?.securityContext ?? {};
  const name = container.name ?? '(step)';
  if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) problems.push(`${name}: runAsNonRoot`);
  if (sc.readOnlyRootFilesystem !== true) problems.push(`${name}: readOnlyRootFilesystem`);
  if (sc.allowPrivilegeEscalation !== false) problems.push(`${name}: allowPrivilegeEscalation`);
  if (sc.privileged === true) problems.push(`${name}: privileged`);
  if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${name}: capabilities.drop ALL`);
  if ((sc.capabilities?.add ?? []).length > 0) problems.push(`${name}: capabilities.add`);
  if ((sc.seccompProfile ?? podSc.seccompProfile)?.type !== 'RuntimeDefault')
    problems.push(`${name}: seccompProfile RuntimeDefault`);
  for (const variable of container.env ?? [])
    if (SECRET_NAME.test(variable.name) && variable.value !== undefined)
      problems.push(`${name}: env ${variable.name} is a literal; use valueFrom.secretKeyRef`);
  return problems;
}

function podProblems(pod: IPodSpec): string[] {
  const problems: string[] = [];
  if (pod.automountServiceAccountToken !== false) problems.push('automountServiceAccountToken must be false');
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push('host namespaces');
  if ((pod.securityContext?.runAsUser ?? 1) === 0) problems.push('runAsUser 0');
  for (const container of [...(pod.initContainers ?? []), ...pod.containers])
    problems.push(...containerProblems(pod, container));
  return problems;
}

const installations = await buildAll();

/** Every object in every YAML document under deploy/, including ones nested in patches and lists. */
async function everyObject(): Promise<{ file: string; object: Record<string, unknown> }[]> {
  const out: { file: string; object: Record<string, unknown> }[] = [];
  const walk = (file: string, value: unknown): void => {
    if (Array.isArray(value)) for (const v of value) walk(file, v);
    else if (isObject(value)) {
      out.push({ file, object: value });
      for (const v of Object.values(value)) walk(file, v);
    }
  };
  for (const file of await deployYamlFiles()) walk(rel(file), await readYaml(file));
  return out;
}

describe('secrets are referenced, never written down', () => {
  test('no Secret under deploy/ carries data or stringData', async () => {
    const objects = await everyObject();
    const secrets = objects.filter(({ object }) => object.kind === 'Secret');
    const withValues = secrets.filter(({ object }) => 'data' in object || 'stringData' in object);
    assert.deepEqual(
      withValues.map(({ file }) => file),
      [],
    );
  });

  test('no file under deploy/ contains secret material', async () => {
    const found: string[] = [];
    for (const file of await listFiles(DEPLOY)) {
      const text = await readFile(file, 'utf8');
      for (const [what, re] of SECRET_TEXT) if (re.test(text)) found.push(`${rel(file)}: ${what}`);
    }
    assert.deepEqual(found, []);
  });

  test('environment variables that hold secrets come from Secrets', async () => {
    const literal = (await everyObject()).filter(
      ({ object }) =>
        typeof object.name === 'string' &&
        SECRET_NAME.test(object.name) &&
        'value' in object &&
        // Tekton params pass `value:`, but a `$(params.…)` reference holds no secret.
        !String(object.value).startsWith('$(params.'),
    );
    assert.deepEqual(
      literal.map(({ file, object }) => `${file}: ${object.name}`),
      [],
    );
  });

  test('the secret scan recognises what it looks for', () => {
    const samples = [
      'secret: whsec_c2VjcmV0LXN0YW5kYXJk',
      '-----BEGIN EC PRIVATE KEY-----',
      'token: ghp_0123456789abcdefghijABCDEFGHIJ',
      'url: postgres://ferry:hunter2@db:5432/ferry',
      'token: eyJhbGciOiJSUzI1NiIs.eyJpc3MiOiJrdWJlcm5ldGVz.sig',
    ];
    assert.deepEqual(
      samples.map((s) => SECRET_TEXT.some(([, re]) => re.test(s))),
      samples.map(() => true),
    );
    // The documented shape of the database URL, with an ellipsis for the password, is not a secret.
    assert.equal(
      SECRET_TEXT.some(([, re]) => re.test('postgres://ferry:…@postgres.example.com:5432/ferry')),
      false,
    );
  });
});

describe('pods and containers', () => {
  for (const { variant, objects } of installations) {
    test(`${variant}: pod and container security context`, () => {
      const pod = podSpecOf(deploymentOf(objects));
      assert.deepEqual(podProblems(pod), []);
      assert.equal(
        find(objects, 'ServiceAccount', pod.serviceAccountName)?.automountServiceAccountToken,
        false,
      );
    });

    test(`${variant}: probes hit /healthz (liveness, startup) and /readyz (readiness)`, () => {
      for (const container of podSpecOf(deploymentOf(objects)).containers) {
        assert.deepEqual(container.livenessProbe?.httpGet, { path: '/healthz', port: 'http' });
        assert.deepEqual(container.readinessProbe?.httpGet, { path: '/readyz', port: 'http' });
        if (container.startupProbe)
          assert.deepEqual(container.startupProbe.httpGet, { path: '/healthz', port: 'http' });
      }
    });

    test(`${variant}: resources requested and limited, image pinned to a version`, () => {
      for (const container of podSpecOf(deploymentOf(objects)).containers) {
        for (const kind of ['requests', 'limits'] as const)
          for (const resource of ['cpu', 'memory'])
            assert.ok(container.resources?.[kind]?.[resource] !== undefined, `${kind}.${resource}`);
        assert.match(container.image ?? '', /^ghcr\.io\/ferry-dev\/ferry:\d+\.\d+\.\d+$/);
      }
    });

    test(`${variant}: the network policy opens the HTTP port and only the egress ferry uses`, () => {
      const spec = specOf(objects, 'NetworkPolicy');
      assert.deepEqual(spec.policyTypes, ['Ingress', 'Egress']);
      const ingress = spec.ingress as { ports: { port: number }[] }[];
      assert.deepEqual(
        ingress.flatMap((rule) => rule.ports.map((p) => p.port)),
        [8080],
      );
      const egress = spec.egress as { ports?: { port: number }[] }[];
      assert.ok(
        egress.every((rule) => (rule.ports ?? []).length > 0),
        'every egress rule is limited by port',
      );
      const allowed = new Set([53, 5353, 443, 5000, 5432]);
      assert.deepEqual(
        egress.flatMap((rule) => (rule.ports ?? []).map((p) => p.port)).filter((p) => !allowed.has(p)),
        [],
      );
    });
  }

  test('kubernetes: runs as the image user 10001; openshift: no fixed uid, gid or fsGroup', async () => {
    const dockerfile = parseDockerfile(await readFile(join(DEPLOY, 'Dockerfile'), 'utf8'));
    const user = dockerfile.stages
      .at(-1)
      ?.instructions.filter((i) => i.keyword === 'USER')
      .at(-1)?.args;
    assert.equal(user, '10001:10001');
    for (const { variant, objects } of installations) {
      const pod = podSpecOf(deploymentOf(objects));
      const podSc = pod.securityContext;
      const ids = [podSc?.runAsUser, podSc?.runAsGroup, podSc?.fsGroup];
      const containerIds = pod.containers.flatMap((c) => [
        c.securityContext?.runAsUser,
        c.securityContext?.runAsGroup,
      ]);
      if (variant === 'openshift')
        assert.deepEqual(
          [...ids, ...containerIds].filter((id) => id !== undefined),
          [],
          variant,
        );
      else assert.deepEqual(ids, [10001, 10001, 10001], variant);
    }
  });

  test('the Tekton steps hold to the same container rules', async () => {
    const tasks = (await readYaml(join(DEPLOY, 'examples/tekton.yaml'))).filter(
      (doc) => isObject(doc) && doc.kind === 'Task',
    ) as { spec: { steps: IContainer[] } }[];
    assert.ok(tasks.length > 0);
    for (const task of tasks)
      for (const step of task.spec.steps) assert.deepEqual(containerProblems(undefined, step), []);
  });

  test('the checks catch a weakened container', () => {
    const { objects } = installations[0]!;
    const deployment = structuredClone(deploymentOf(objects)) as unknown as Record<string, unknown>;
    const container = '/spec/template/spec/containers/0';
    applyJsonPatch(deployment, [
      { op: 'replace', path: `${container}/securityContext/capabilities/drop`, value: ['NET_RAW'] },
      { op: 'replace', path: `${container}/securityContext/readOnlyRootFilesystem`, value: false },
      { op: 'remove', path: `${container}/securityContext/seccompProfile` },
      { op: 'remove', path: '/spec/template/spec/securityContext/seccompProfile' },
      { op: 'add', path: `${container}/env`, value: [{ name: 'FERRY_TOKEN', value: 'x' }] },
      { op: 'replace', path: '/spec/template/spec/automountServiceAccountToken', value: true },
    ]);
    const pod = (deployment as { spec: { template: { spec: IPodSpec } } }).spec.template.spec;
    assert.deepEqual(podProblems(pod), [
      'automountServiceAccountToken must be false',
      'ferry: readOnlyRootFilesystem',
      'ferry: capabilities.drop ALL',
      'ferry: seccompProfile RuntimeDefault',
      'ferry: env FERRY_TOKEN is a literal; use valueFrom.secretKeyRef',
    ]);
  });
});
