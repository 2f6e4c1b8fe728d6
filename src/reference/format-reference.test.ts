import assert from 'node:assert/strict';
import { test } from 'node:test';
import { familiarName, formatReference, referenceName } from './format-reference.ts';
import { parseReference } from './parse-reference.ts';

const SHA256 = `sha256:${'e'.repeat(64)}`;

test('canonical form always carries the registry', () => {
  assert.equal(formatReference(parseReference('ubuntu')), 'docker.io/library/ubuntu');
  assert.equal(formatReference(parseReference('ubuntu:22.04')), 'docker.io/library/ubuntu:22.04');
  assert.equal(formatReference(parseReference(`a/b:t@${SHA256}`)), `docker.io/a/b:t@${SHA256}`);
  assert.equal(formatReference(parseReference('[::1]:5000/x:1')), '[::1]:5000/x:1');
});

test('short form is the familiar docker form (normalize_test.go TestParseRepositoryInfo)', () => {
  const cases: [string, string][] = [
    ['docker.io/library/ubuntu:1', 'ubuntu:1'],
    ['index.docker.io/library/ubuntu-12.04-base', 'ubuntu-12.04-base'],
    ['docker.io/library/foo/bar', 'library/foo/bar'],
    ['docker.io/fooo/bar', 'fooo/bar'],
    ['docker.io/other/library', 'other/library'],
    ['127.0.0.1:8000/private/moonbase', '127.0.0.1:8000/private/moonbase'],
    ['localhost/fooo', 'localhost/fooo'],
    [`busybox@${SHA256}`, `busybox@${SHA256}`],
  ];
  for (const [input, short] of cases) {
    assert.equal(formatReference(parseReference(input), { short: true }), short, input);
  }
});

test('name helpers', () => {
  const ref = parseReference('redis:7');
  assert.equal(referenceName(ref), 'docker.io/library/redis');
  assert.equal(familiarName(ref), 'redis');
});

test('canonical output re-parses to the same reference', () => {
  for (const input of ['ubuntu', 'a/b:c', `localhost:5000/x/y:z@${SHA256}`, 'registry-1.docker.io/foo']) {
    const ref = parseReference(input);
    assert.deepEqual(parseReference(formatReference(ref)), ref);
    assert.deepEqual(parseReference(formatReference(ref, { short: true })), ref);
  }
});
