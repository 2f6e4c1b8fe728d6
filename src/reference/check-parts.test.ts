import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { digestProblem } from './check-digest.ts';
import { registryHostProblem } from './check-registry-host.ts';
import { pathComponentProblem, repositoryPathProblem } from './check-repository-path.ts';
import { tagProblem } from './check-tag.ts';
import { SHELL_INJECTION_SAMPLES as INJECTIONS } from './shell-injection-samples.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('repositoryPathProblem', () => {
  test('a long path is not judged against a placeholder registry', () => {
    const path = `${'a'.repeat(120)}/${'b'.repeat(134)}`;
    assert.equal(path.length, 255);
    assert.equal(repositoryPathProblem(path), undefined);
    assert.match(repositoryPathProblem(`${path}c`) ?? '', /longer than 255/);
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
      assert.equal(repositoryPathProblem(ok), undefined, ok);
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
      assert.ok(repositoryPathProblem(bad), JSON.stringify(bad));
    }
    assert.match(repositoryPathProblem('Team/App') ?? '', /lowercase/);
  });

  test('refuses tags, digests and ports smuggled into the path', () => {
    for (const bad of ['app:latest', `app@${DIGEST}`, 'host:5000/app'])
      assert.match(repositoryPathProblem(bad) ?? '', /repository path only/);
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
});

describe('pathComponentProblem', () => {
  test('judges one component', () => {
    assert.equal(pathComponentProblem('my__app'), undefined);
    assert.match(pathComponentProblem('a..b') ?? '', /separator "\.\."/);
    assert.match(pathComponentProblem('App') ?? '', /contains "A"/);
    assert.equal(pathComponentProblem(''), 'is empty');
  });
});

describe('reasons never echo unsafe characters', () => {
  test('whitespace and control characters are named, not printed', () => {
    for (const check of [tagProblem, digestProblem, repositoryPathProblem, registryHostProblem]) {
      assert.equal(check('a b'), 'contains whitespace', check.name);
      assert.equal(check('a\u001b[2J'), 'contains a control character (U+001B)', check.name);
      assert.equal(check('é'), 'contains a non-ASCII character (U+00E9)', check.name);
    }
  });
});
