import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkRegistryHost, registryHostKey } from './registry-hosts.ts';

test('checkRegistryHost accepts host[:port] forms the reference grammar accepts', () => {
  for (const host of [
    'registry.example',
    'Registry.Example:5000',
    'localhost',
    'localhost:5000',
    '10.0.0.1:5000',
    '[::1]:5000',
    'registry:5000',
  ]) {
    assert.equal(checkRegistryHost(host), undefined, host);
  }
});

test('checkRegistryHost refuses everything else with a reason', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['registry', /must contain "\." or ":"/],
    ['https://registry.example', /without a scheme/],
    ['registry.example/team', /without a path/],
    ['registry.example:99999', /out of range/],
    ['registry..example', /empty label/],
    ['-registry.example', /invalid/],
    ['user:pw@registry.example', /contains credentials/],
  ];
  for (const [host, reason] of cases) assert.match(checkRegistryHost(host) ?? 'ok', reason, host);
});

test('registryHostKey: case, default ports and Docker Hub aliases', () => {
  assert.equal(registryHostKey('Registry.Example'), 'registry.example');
  assert.equal(registryHostKey('registry.example:443'), 'registry.example');
  assert.equal(registryHostKey('registry.example:80'), 'registry.example');
  assert.equal(registryHostKey('registry.example:5000'), 'registry.example:5000');
  assert.equal(registryHostKey('[::1]:443'), '[::1]');
  assert.equal(registryHostKey('[::443]'), '[::443]');
  assert.equal(registryHostKey('index.docker.io'), 'docker.io');
  assert.equal(registryHostKey('registry-1.docker.io'), 'docker.io');
});
