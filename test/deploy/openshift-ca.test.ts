/**
 * The OpenShift internal registry (`image-registry.openshift-image-registry.svc:5000`) presents a
 * certificate signed by the cluster's service CA. The three places that set ferry up on OpenShift —
 * `ferry bootstrap openshift --role target`, deploy/openshift and the migration guide — must trust it
 * the same way: a ConfigMap annotated `service.beta.openshift.io/inject-cabundle: "true"`, its key
 * `service-ca.crt` mounted at one path, and `environments.prod.tls.caFile` naming that file. Each is
 * read as users get it: the bootstrap output as printed, the kustomize build, the guide's YAML blocks.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import { parse } from 'yaml';
import { generateBootstrap, parseBootstrapOptions } from '../../src/bootstrap/index.ts';
import { parseConfig } from '../../src/service/config/load-config.ts';
import { buildAll, deploymentOf, findAll } from './support/builds.ts';
import { isObject, type JsonObject, parseYaml, REPO } from './support/repo-files.ts';

const ANNOTATION = 'service.beta.openshift.io/inject-cabundle';
const INTERNAL_REGISTRY = 'image-registry.openshift-image-registry.svc:5000';

interface CaSetup {
  /** The annotated ConfigMap's name. */
  readonly configMap: string;
  /** `environments.prod.tls.caFile` of ferry.yaml. */
  readonly caFile: string;
  /** Where the Deployment mounts that ConfigMap's `service-ca.crt`. */
  readonly mountedAt: string;
  readonly prodRegistry: string;
}

/** The CA wiring of one installation: the annotated ConfigMap, its mount, and what ferry.yaml names. */
function caSetup(objects: readonly JsonObject[], ferryYaml: string): CaSetup {
  const annotated = findAll(objects, 'ConfigMap').filter((c) => {
    const metadata = c.metadata as { annotations?: Record<string, string> };
    return metadata.annotations?.[ANNOTATION] === 'true';
  });
  assert.equal(annotated.length, 1, 'exactly one ConfigMap with the inject-cabundle annotation');
  const configMap = (annotated[0]!.metadata as { name: string }).name;
  assert.equal(annotated[0]!.data, undefined, 'no data: OpenShift injects it');

  const pod = (deploymentOf(objects) as IDeployment).spec!.template.spec!;
  const volume = pod.volumes?.find((v) => v.configMap?.name === configMap);
  assert.ok(volume, `a volume of ConfigMap ${configMap}`);
  const item = volume.configMap?.items?.find((i) => i.key === 'service-ca.crt');
  assert.ok(item, 'the volume projects key service-ca.crt');
  const container = pod.containers.find((c) => c.name === 'ferry')!;
  const mount = container.volumeMounts?.find((m) => m.name === volume.name);
  assert.ok(mount, 'the volume is mounted');

  const config = parse(ferryYaml) as {
    environments: { prod: { registry: string; tls?: { caFile?: string; verify?: boolean } } };
  };
  assert.notEqual(config.environments.prod.tls?.verify, false, 'TLS verification stays on');
  const caFile = config.environments.prod.tls?.caFile;
  assert.ok(caFile, 'environments.prod.tls.caFile is set');
  return {
    configMap,
    caFile,
    mountedAt: `${mount.mountPath}/${item.path}`,
    prodRegistry: config.environments.prod.registry,
  };
}

function bootstrapSetup(): CaSetup {
  const text = generateBootstrap(
    parseBootstrapOptions(
      {
        platform: 'openshift',
        role: 'target',
        namespace: 'ferry',
        sourceNamespace: ['team-a'],
        targetNamespace: 'team-a',
        sourceRegistry: 'default-route-openshift-image-registry.apps.nonprod.example.com',
        targetRegistry: INTERNAL_REGISTRY,
      },
      '0.1.0',
    ),
  );
  const objects = parseYaml(text, 'ferry bootstrap output') as JsonObject[];
  const config = objects.find((o) => o.kind === 'ConfigMap' && isObject(o.data) && 'ferry.yaml' in o.data);
  assert.ok(config, 'the output has ferry.yaml');
  return caSetup(objects, (config.data as Record<string, string>)['ferry.yaml']!);
}

async function deploySetup(): Promise<CaSetup> {
  const openshift = (await buildAll()).find((i) => i.variant === 'openshift')!;
  return caSetup(openshift.objects, await readFile(join(REPO, 'deploy/openshift/ferry.yaml'), 'utf8'));
}

/** The migration guide's complete ferry.yaml and the ConfigMap it shows. */
async function guide(): Promise<{ caFile: string; prodRegistry: string; configMap: JsonObject }> {
  const text = await readFile(join(REPO, 'docs/migration-from-jenkins-skopeo.md'), 'utf8');
  const blocks = [...text.matchAll(/^( *)```yaml\n([\s\S]*?)^\1```/gm)].map((m) =>
    m[2]!.replace(new RegExp(`^${m[1]}`, 'gm'), ''),
  );
  const configText = blocks.find((b) => /^promotions:/m.test(b));
  assert.ok(configText, 'the guide has a complete ferry.yaml');
  const { config } = await parseConfig(configText, { file: 'guide.yaml', env: {}, checkSources: false });
  const configMap = blocks.map((b) => parse(b) as JsonObject).find((o) => o?.kind === 'ConfigMap');
  assert.ok(configMap, 'the guide shows the ConfigMap');
  return {
    caFile: config.environments.prod!.tls.caFile!,
    prodRegistry: config.environments.prod!.registry,
    configMap,
  };
}

describe('the OpenShift internal registry is trusted the same way everywhere', () => {
  test('bootstrap and deploy/openshift: same ConfigMap, key, mount and tls.caFile', async () => {
    const generated = bootstrapSetup();
    const deployed = await deploySetup();
    for (const [what, setup] of [
      ['ferry bootstrap', generated],
      ['deploy/openshift', deployed],
    ] as const) {
      assert.equal(setup.caFile, setup.mountedAt, `${what}: tls.caFile is the mounted service-ca.crt`);
      assert.equal(setup.prodRegistry, INTERNAL_REGISTRY, `${what}: prod is the internal registry`);
    }
    assert.deepEqual(deployed, generated);
  });

  test('the migration guide shows the same ConfigMap and the same tls.caFile', async () => {
    const generated = bootstrapSetup();
    const shown = await guide();
    assert.equal(shown.caFile, generated.caFile);
    assert.equal(shown.prodRegistry, INTERNAL_REGISTRY);
    assert.deepEqual(shown.configMap, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: generated.configMap, annotations: { [ANNOTATION]: 'true' } },
    });
  });

  test('docs/bootstrap.md shows the ConfigMap and tls.caFile bootstrap prints', async () => {
    const generated = bootstrapSetup();
    const text = await readFile(join(REPO, 'docs/bootstrap.md'), 'utf8');
    const section = text.slice(text.indexOf("## The internal registry's CA on OpenShift"));
    const shown = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(shown, 'the section shows the ConfigMap');
    assert.deepEqual(parse(shown), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: generated.configMap, namespace: 'ferry', annotations: { [ANNOTATION]: 'true' } },
    });
    assert.match(section, new RegExp(`caFile: ${generated.caFile}\n`));
  });

  test('a ferry.yaml naming another CA file is caught (the comparison can fail)', () => {
    const generated = bootstrapSetup();
    const objects = parseYaml(
      generateBootstrap(
        parseBootstrapOptions(
          {
            platform: 'openshift',
            role: 'target',
            sourceNamespace: ['team-a'],
            targetNamespace: 'team-a',
            sourceRegistry: 'registry.nonprod.example',
            targetRegistry: INTERNAL_REGISTRY,
          },
          '0.1.0',
        ),
      ),
      'bootstrap',
    ) as JsonObject[];
    const wrong = 'environments:\n  prod:\n    registry: x.example\n    tls: { caFile: /etc/other/ca.crt }\n';
    assert.notEqual(caSetup(objects, wrong).caFile, generated.mountedAt);
  });
});
