import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDockerHubHost, normalizeRegistryHost, registryApiHost } from './registry-host.ts';

test('registryApiHost sends Docker Hub to its API host and leaves others alone', () => {
  assert.equal(registryApiHost('docker.io'), 'registry-1.docker.io');
  assert.equal(registryApiHost('index.docker.io'), 'registry-1.docker.io');
  assert.equal(registryApiHost('quay.io'), 'quay.io');
  assert.equal(registryApiHost('localhost:5000'), 'localhost:5000');
  assert.equal(registryApiHost('[::1]:5000'), '[::1]:5000');
});

test('normalizeRegistryHost maps every Hub alias to docker.io', () => {
  for (const host of ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'Docker.IO']) {
    assert.equal(normalizeRegistryHost(host), 'docker.io');
    assert.ok(isDockerHubHost(host));
  }
  assert.equal(normalizeRegistryHost('docker.io:443'), 'docker.io:443');
  assert.ok(!isDockerHubHost('mirror.docker.io'));
});
