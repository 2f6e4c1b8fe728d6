import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SHELL_INJECTION_SAMPLES as INJECTIONS } from '../reference/shell-injection-samples.ts';
import {
  actorProblem,
  canonicalRegistryHost,
  deliveryIdProblem,
  environmentProblem,
  gitCommitProblem,
  labelKeyProblem,
  labelValueProblem,
  referenceProblem,
} from './field-rules.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('canonicalRegistryHost', () => {
  test('canonicalRegistryHost lower-cases and maps Docker Hub aliases', () => {
    assert.equal(canonicalRegistryHost('Registry.Example.COM:5000'), 'registry.example.com:5000');
    assert.equal(canonicalRegistryHost('index.docker.io'), 'docker.io');
    assert.equal(canonicalRegistryHost('registry-1.docker.io'), 'docker.io');
  });
});

describe('referenceProblem', () => {
  test('checks the whole reference, including the 255-character name limit', () => {
    assert.equal(
      referenceProblem({ registry: 'r.example.com', repository: 'a/b', tag: 'v1', digest: DIGEST }),
      undefined,
    );
    const long = `${'a'.repeat(120)}/${'b'.repeat(120)}`;
    assert.equal(referenceProblem({ registry: 'r.io', repository: long }), undefined);
    assert.match(
      referenceProblem({ registry: 'registry.example.com', repository: long }) ?? '',
      /longer than 255/,
    );
  });
});

describe('other fields', () => {
  test('environment names are DNS labels', () => {
    for (const ok of ['prod', 'nonprod', 'staging-eu', 'a', 'x1'])
      assert.equal(environmentProblem(ok), undefined, ok);
    for (const bad of ['', 'Prod', '-prod', 'prod-', 'prod_eu', 'a'.repeat(64), 'prod env', ...INJECTIONS]) {
      assert.ok(environmentProblem(bad), bad);
    }
  });

  test('git commits are 4-64 hex digits', () => {
    for (const ok of ['abcd', 'ABCDEF0', 'a'.repeat(40), 'f'.repeat(64)])
      assert.equal(gitCommitProblem(ok), undefined, ok);
    for (const bad of ['abc', 'g'.repeat(40), 'a'.repeat(65), 'main', '$(id)'])
      assert.ok(gitCommitProblem(bad), bad);
  });

  test('labels: safe keys, bounded control-free values', () => {
    for (const ok of ['ci.url', 'pipeline/name', 'A_b-1']) assert.equal(labelKeyProblem(ok), undefined, ok);
    for (const bad of ['', '.x', 'a b', 'a'.repeat(64), 'k\n']) assert.ok(labelKeyProblem(bad), bad);
    assert.equal(labelValueProblem('https://ci.example.com/job/1 (main) — ok'), undefined);
    assert.ok(labelValueProblem('a\nb'));
    assert.ok(labelValueProblem('x'.repeat(513)));
  });

  test('delivery ids are visible ASCII; actors are control-free', () => {
    for (const ok of ['msg_p5jXN8AQM9LWM0D4loKWxJek', '0b2a4c0e-8d4e-4a57-9c5c-3d6b5b2f6d0a', 'harbor:abc']) {
      assert.equal(deliveryIdProblem(ok), undefined, ok);
    }
    for (const bad of ['', 'a b', 'a\n', 'é', 'x'.repeat(257)]) assert.ok(deliveryIdProblem(bad), bad);
    assert.equal(actorProblem('robot$ci'), undefined);
    assert.equal(actorProblem('Jörg'), undefined);
    for (const bad of ['', 'a\u001b[2J', 'x'.repeat(257)]) assert.ok(actorProblem(bad), bad);
  });
});
