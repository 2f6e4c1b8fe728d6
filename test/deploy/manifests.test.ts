/**
 * Every YAML file under deploy/ parses, and every Kubernetes object in it validates against its schema
 * (the Kubernetes OpenAPI schemas via kubernetes-models, strictly; compact schemas for Route, Tekton and
 * Kustomization). Files that are not objects are named here and checked by their own tests: ferry.yaml
 * (ferry-config.test.ts), patches (kustomize.test.ts, after applying them), the GitHub workflow
 * (ci-examples.test.ts). No file is skipped silently.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { validateObject } from './support/kube-schemas.ts';
import { applyJsonPatch } from './support/kustomize.ts';
import { DEPLOY, deployYamlFiles, isObject, parseYaml, readYaml, rel } from './support/repo-files.ts';

type Role = 'objects' | 'kustomization' | 'patch' | 'ferry-config' | 'github-workflow';

/** What each YAML file is, from the kustomizations that reference it. */
async function roles(): Promise<Map<string, Role>> {
  const files = await deployYamlFiles();
  const result = new Map<string, Role>(files.map((f) => [f, 'objects']));
  for (const file of files.filter((f) => f.endsWith('/kustomization.yaml'))) {
    result.set(file, 'kustomization');
    const [k] = await readYaml(file);
    assert.ok(isObject(k));
    for (const patch of Array.isArray(k.patches) ? k.patches : [])
      if (isObject(patch) && typeof patch.path === 'string')
        result.set(resolve(dirname(file), patch.path), 'patch');
    for (const generator of Array.isArray(k.configMapGenerator) ? k.configMapGenerator : [])
      for (const spec of isObject(generator) && Array.isArray(generator.files) ? generator.files : [])
        if (typeof spec === 'string' && spec.endsWith('ferry.yaml'))
          result.set(resolve(dirname(file), spec.split('=').at(-1)!), 'ferry-config');
  }
  result.set(join(DEPLOY, 'examples/github-actions.yml'), 'github-workflow');
  return result;
}

describe('deploy/ YAML', async () => {
  const fileRoles = await roles();

  test('there is something to check', () => {
    const counts: Record<string, number> = {};
    for (const role of fileRoles.values()) counts[role] = (counts[role] ?? 0) + 1;
    assert.ok((counts['objects'] ?? 0) >= 10, JSON.stringify(counts));
    assert.ok((counts['kustomization'] ?? 0) >= 4, JSON.stringify(counts));
    assert.ok((counts['patch'] ?? 0) >= 5, JSON.stringify(counts));
    assert.equal(counts['ferry-config'], 2, JSON.stringify(counts));
  });

  for (const [file, role] of fileRoles) {
    test(`${rel(file)} (${role}) parses and validates`, async () => {
      const text = await readFile(file, 'utf8');
      const docs = parseYaml(text, rel(file));
      assert.ok(docs.length > 0, 'no documents');
      // kubectl reads YAML 1.1 (`0440` is octal, `yes` a boolean); this test reads 1.2. A file that means
      // different things to the two is ambiguous. GitHub reads `on:` as a key, so workflows are exempt.
      if (role !== 'github-workflow')
        assert.deepEqual(parseYaml(text, rel(file), '1.1'), docs, 'YAML 1.1 and 1.2 readings differ');
      if (role === 'objects' || role === 'kustomization') {
        const problems = docs.flatMap((doc, i) => validateObject(doc).map((p) => `document ${i}: ${p}`));
        assert.deepEqual(problems, []);
      }
    });
  }
});

describe('the validators reject broken objects', async () => {
  const [deployment] = await readYaml(join(DEPLOY, 'kubernetes/base/deployment.yaml'));
  const [route] = await readYaml(join(DEPLOY, 'openshift/route.yaml'));
  const [task] = await readYaml(join(DEPLOY, 'examples/tekton.yaml'));
  /** A copy of `object` with RFC 6902 `ops` applied. */
  const broken = (object: unknown, ops: unknown[]): unknown => {
    assert.ok(isObject(object));
    const copy = structuredClone(object);
    applyJsonPatch(copy, ops);
    return copy;
  };

  test('the unedited objects are valid (the baseline of the cases below)', () => {
    assert.deepEqual([deployment, route, task].flatMap(validateObject), []);
  });

  test('a Deployment without containers', () => {
    const problems = validateObject(
      broken(deployment, [{ op: 'remove', path: '/spec/template/spec/containers' }]),
    );
    assert.match(problems.join(), /spec\/template\/spec must have required property containers/);
  });

  test('a wrongly typed field', () => {
    const problems = validateObject(
      broken(deployment, [{ op: 'replace', path: '/spec/replicas', value: 'one' }]),
    );
    assert.match(problems.join(), /spec\/replicas must be integer/);
  });

  test('a misspelt field (strict validation)', () => {
    const securityContext = '/spec/template/spec/containers/0/securityContext';
    const problems = validateObject(
      broken(deployment, [
        { op: 'remove', path: `${securityContext}/readOnlyRootFilesystem` },
        { op: 'add', path: `${securityContext}/readOnlyRootFilesytem`, value: true },
      ]),
    );
    assert.deepEqual(problems, [`${securityContext}/readOnlyRootFilesytem: unknown field`]);
  });

  test('a Route with an unknown TLS termination', () => {
    const problems = validateObject(
      broken(route, [{ op: 'replace', path: '/spec/tls/termination', value: 'Edge' }]),
    );
    assert.match(problems.join(), /termination: must be equal to one of the allowed values/);
  });

  test('a Tekton step with a misspelt env field', () => {
    const problems = validateObject(
      broken(task, [{ op: 'add', path: '/spec/steps/0/env/0/valeu', value: 'x' }]),
    );
    assert.match(problems.join(), /\(EnvVar\) \/valeu: unknown field/);
  });

  test('a kind without a schema is a problem, not a pass', () => {
    const problems = validateObject({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'x' },
    });
    assert.match(problems.join(), /no schema for example\.com\/v1\/Widget/);
  });
});
