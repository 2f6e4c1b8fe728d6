/**
 * Each installation's ferry.yaml is loaded by ferry's own loader, as `ferry serve` would load it in the
 * pod: the file system it sees is the one the Deployment mounts (ConfigMap keys, Secret `items`,
 * projected sources) and the environment is the container's `env`. So the test fails if ferry.yaml
 * refers to a secret file no volume provides, if a mounted secret is never used, or if the listen port,
 * data directory or public URL disagree with the manifests. Secret contents are placeholders.
 */
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { describe, test } from 'node:test';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { parseCommandLine } from '../../src/cli/program.ts';
import { ConfigError } from '../../src/service/config/config-error.ts';
import { FAKE_CA_PEM, memoryFiles, p256PublicKeyPem } from '../../src/service/config/config-fixture.ts';
import { loadConfig } from '../../src/service/config/load-config.ts';
import { buildAll, deploymentOf, find, podSpecOf, specOf } from './support/builds.ts';
import { isObject, type JsonObject } from './support/repo-files.ts';

interface PodView {
  /** Path → content of every file the container can read from its volumes. */
  readonly files: Record<string, string>;
  /** Files that come from Secrets or projected tokens. */
  readonly secretFiles: string[];
  /** Mount paths of writable volumes. */
  readonly writableDirs: string[];
  readonly env: Record<string, string>;
}

/** A plausible file of that name: the loader checks CA files, keys and auth files for their format. */
function placeholder(path: string): string {
  if (path.endsWith('.crt')) return FAKE_CA_PEM;
  if (path.endsWith('.pub')) return p256PublicKeyPem();
  if (path.endsWith('.json')) return '{"auths":{}}';
  return 'placeholder-secret\n';
}

function podView(objects: readonly JsonObject[], pod: IPodSpec, container: IContainer): PodView {
  const files: Record<string, string> = {};
  const secretFiles: string[] = [];
  const writableDirs: string[] = [];
  const add = (path: string, content: string, secret: boolean) => {
    files[path] = content;
    if (secret) secretFiles.push(path);
  };
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    assert.ok(volume, `volume ${mount.name}`);
    const at = (relative: string) => `${mount.mountPath}/${relative}`;
    if (volume.configMap) {
      const configMap = find(objects, 'ConfigMap', volume.configMap.name);
      const data = isObject(configMap?.data) ? (configMap.data as Record<string, string>) : {};
      const items = volume.configMap.items ?? Object.keys(data).map((key) => ({ key, path: key }));
      for (const item of items) add(at(item.path), data[item.key] ?? placeholder(item.path), false);
    } else if (volume.secret) {
      // Without `items` the file names depend on the Secret's keys, which deploy/ cannot know.
      assert.ok(volume.secret.items, `secret volume ${volume.name} lists its items`);
      for (const item of volume.secret.items) add(at(item.path), placeholder(item.path), true);
    } else if (volume.projected) {
      for (const source of volume.projected.sources ?? []) {
        if (source.serviceAccountToken) add(at(source.serviceAccountToken.path), 'projected-token', true);
        for (const item of source.configMap?.items ?? []) add(at(item.path), placeholder(item.path), false);
        for (const item of source.secret?.items ?? []) add(at(item.path), placeholder(item.path), true);
      }
    } else if (volume.emptyDir || volume.persistentVolumeClaim) {
      if (!mount.readOnly) writableDirs.push(mount.mountPath);
    } else {
      assert.fail(`volume ${volume.name}: unexpected kind`);
    }
  }
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (variable.valueFrom?.secretKeyRef) env[variable.name] = 'placeholder-from-secret';
  }
  return { files, secretFiles, writableDirs, env };
}

const installations = await buildAll();

describe("ferry.yaml in each installation loads with ferry's loader, against the pod's mounts", () => {
  for (const { variant, objects } of installations) {
    test(variant, async () => {
      const deployment = deploymentOf(objects);
      const pod = podSpecOf(deployment);
      const container = pod.containers.find((c) => c.name === 'ferry');
      assert.ok(container);
      const parsed = await parseCommandLine(container.args ?? []);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
      assert.deepEqual(parsed.command, ['serve']);
      const configPath = String(parsed.options.config);

      const view = podView(objects, pod, container);
      assert.ok(configPath in view.files, `${configPath} is mounted`);
      const io = memoryFiles(view.files);
      const { config, warnings } = await loadConfig(configPath, { env: view.env, ...io });
      assert.deepEqual(warnings, []);

      // Every mounted secret is something the config uses (an unused one is a credential for nothing).
      const unused = view.secretFiles.filter((file) => !io.reads.includes(file));
      assert.deepEqual(unused, [], 'mounted secret files that ferry.yaml never references');

      const httpPort = container.ports?.find((p) => p.name === 'http')?.containerPort;
      assert.equal(config.server.listen.port, httpPort);
      assert.ok(
        view.writableDirs.includes(config.server.dataDir),
        `dataDir ${config.server.dataDir} is a writable volume (the root file system is read-only)`,
      );
      assert.ok(view.writableDirs.includes('/tmp'));

      const host =
        variant === 'openshift'
          ? specOf(objects, 'Route').host
          : (specOf(objects, 'Ingress').rules as { host: string }[])[0]?.host;
      assert.equal(config.server.publicUrl, `https://${host}`);

      if (variant === 'postgresql')
        assert.deepEqual(config.server.databaseUrl, { env: 'FERRY_DATABASE_URL' });
      else assert.equal(config.server.databaseUrl, undefined, 'embedded database');
      assert.equal(dirname(configPath), '/etc/ferry');
    });
  }

  test('a reference to a file no volume provides fails the load (the check can fail)', async () => {
    const { objects } = installations.find((i) => i.variant === 'kubernetes')!;
    const pod = podSpecOf(deploymentOf(objects));
    const container = pod.containers[0]!;
    const view = podView(objects, pod, container);
    const text = view.files['/etc/ferry/ferry.yaml']!.replace(
      '/var/run/secrets/ferry/nonprod/token',
      '/var/run/secrets/ferry/nonprod/tokn',
    );
    const io = memoryFiles({ ...view.files, '/etc/ferry/ferry.yaml': text });
    await assert.rejects(loadConfig('/etc/ferry/ferry.yaml', { env: view.env, ...io }), (err) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.problems.map((p) => p.message).join(), /nonprod\/tokn: file does not exist/);
      return true;
    });
  });

  test('without the webhook secret volume the load fails', async () => {
    const { objects } = installations.find((i) => i.variant === 'kubernetes')!;
    const pod = podSpecOf(deploymentOf(objects));
    const container = {
      ...pod.containers[0]!,
      volumeMounts: pod.containers[0]!.volumeMounts?.filter((m) => m.name !== 'webhooks'),
    };
    const view = podView(objects, pod, container);
    await assert.rejects(
      loadConfig('/etc/ferry/ferry.yaml', { env: view.env, ...memoryFiles(view.files) }),
      (err) => {
        assert.ok(err instanceof ConfigError);
        const messages = err.problems.map((p) => p.message);
        assert.equal(messages.length, 3, messages.join('\n'));
        assert.ok(
          messages.every((m) => /\/var\/run\/secrets\/ferry\/webhooks\/.*: file does not exist/.test(m)),
        );
        return true;
      },
    );
  });
});
