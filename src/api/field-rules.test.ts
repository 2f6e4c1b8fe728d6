import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  actorProblem,
  canonicalRegistryHost,
  deliveryIdProblem,
  digestProblem,
  environmentProblem,
  gitCommitProblem,
  labelKeyProblem,
  labelValueProblem,
  referenceProblem,
  registryHostProblem,
  repositoryProblem,
  tagProblem,
} from './field-rules.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

/** What the seed's pipeline would have run through `sh`, and friends. */
const INJECTIONS = [
  '$(id)',
  ';rm -rf /',
  '`id`',
  'a\nb',
  'a b',
  'a\tb',
  '../etc',
  'a/../b',
  '|cat',
  'a&&b',
  `\${IFS}`,
  "a'b",
  'a"b',
];

describe('repositoryProblem', () => {
  test('a long path is not judged against a placeholder registry', () => {
    const path = `${'a'.repeat(120)}/${'b'.repeat(134)}`;
    assert.equal(path.length, 255);
    assert.equal(repositoryProblem(path), undefined);
    assert.match(repositoryProblem(`${path}c`) ?? '', /longer than 255/);
  });

  test('accepts repository paths', () => {
    for (const ok of [
      'app',
      'team-a/app',
      'a/b/c',
      'my_app',
      'my__app',
      'a.b/c-d',
      'a---b',
      'localhost/x',
      '0/1',
    ]) {
      assert.equal(repositoryProblem(ok), undefined, ok);
    }
  });

  test('refuses everything outside the grammar with a reason', () => {
    for (const bad of [
      '',
      'Team/App',
      '/app',
      'app/',
      'a//b',
      '-app',
      'app.',
      'a..b',
      'a___b',
      ...INJECTIONS,
    ]) {
      assert.ok(repositoryProblem(bad), JSON.stringify(bad));
    }
    assert.match(repositoryProblem('Team/App') ?? '', /lowercase/);
  });

  test('refuses tags, digests and ports smuggled into the path', () => {
    for (const bad of ['app:latest', `app@${DIGEST}`, 'host:5000/app'])
      assert.match(repositoryProblem(bad) ?? '', /repository path only/);
  });
});

describe('tagProblem', () => {
  test('accepts tags', () => {
    for (const ok of ['latest', 'v1.2.3', '_x', 'a-b_c.d', 'abc123', 'A'.repeat(128), 'deadbeef'.repeat(5)]) {
      assert.equal(tagProblem(ok), undefined, ok);
    }
  });

  test('refuses invalid tags', () => {
    for (const bad of ['', '.x', '-x', 'A'.repeat(129), 'a/b', 'a:b', `a@${DIGEST}`, ...INJECTIONS]) {
      assert.ok(tagProblem(bad), JSON.stringify(bad));
    }
    assert.match(tagProblem('a/b') ?? '', /contains "\/"/);
    assert.match(tagProblem('$(id)') ?? '', /"\$"|character/);
  });
});

describe('digestProblem', () => {
  test('accepts sha256 and sha512', () => {
    assert.equal(digestProblem(DIGEST), undefined);
    assert.equal(digestProblem(`sha512:${'b'.repeat(128)}`), undefined);
  });

  test('refuses anything else', () => {
    for (const bad of [
      '',
      'sha256',
      `sha256:${'A'.repeat(64)}`,
      `sha256:${'a'.repeat(63)}`,
      `md5:${'a'.repeat(32)}`,
      `x@${DIGEST}`,
      `${DIGEST}/x`,
      'abc123',
    ]) {
      assert.ok(digestProblem(bad), bad);
    }
  });
});

describe('registryHostProblem', () => {
  test('accepts hosts, ports, IPs and localhost', () => {
    for (const ok of [
      'registry.example.com',
      'registry.example.com:5000',
      'localhost',
      'localhost:5000',
      '10.0.0.1:443',
      '[::1]:5000',
      'docker.io',
      'Registry.Example.COM',
    ]) {
      assert.equal(registryHostProblem(ok), undefined, ok);
    }
  });

  test('refuses URLs, paths, credentials, single labels and junk', () => {
    assert.match(registryHostProblem('https://r.example.com') ?? '', /URL scheme/);
    assert.match(registryHostProblem('r.example.com/v2') ?? '', /without a path/);
    assert.match(registryHostProblem('user:pw@r.example.com') ?? '', /credentials/);
    assert.match(registryHostProblem('registry') ?? '', /needs a "\."/);
    for (const bad of [
      '',
      'r.example.com:0',
      'r.example.com:99999',
      'r..example.com',
      '-r.example.com',
      ...INJECTIONS,
    ]) {
      assert.ok(registryHostProblem(bad), JSON.stringify(bad));
    }
  });

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
