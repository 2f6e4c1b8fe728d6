import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { memoryFiles } from '../config/config-fixture.ts';
import { configSchemas } from '../config/schema.ts';
import { endpointForEnvironment, environmentEndpoints } from './endpoints.ts';

const schemas = configSchemas({ baseDir: '/etc/ferry' });
const environment = (value: object) => schemas.environment.parse(value);

test('username + password: the secret is resolved at every use (rotation) and only for its registry', async () => {
  const contents: Record<string, string> = { '/run/secrets/prod-password': 'first\n' };
  const files = memoryFiles(contents);
  const endpoint = endpointForEnvironment(
    'prod',
    environment({
      registry: 'registry.prod.example',
      credentials: { username: 'robot', password: { file: '/run/secrets/prod-password' } },
    }),
    { env: {}, readFile: files.readFile },
  );
  assert.equal(endpoint.tlsVerify, true);
  const first = await endpoint.keychain.resolve('registry.prod.example');
  assert.deepEqual({ ...first }, { kind: 'basic', username: 'robot', password: 'first' });
  // Kubernetes rotated the mounted Secret: the next token exchange uses the new value.
  contents['/run/secrets/prod-password'] = 'second';
  const second = await endpoint.keychain.resolve('registry.prod.example');
  assert.deepEqual({ ...second }, { kind: 'basic', username: 'robot', password: 'second' });
  // Never offered to another host (and nothing read for it).
  assert.deepEqual(await endpoint.keychain.resolve('evil.example'), { kind: 'anonymous' });
  assert.equal(files.reads.length, 2);
  // The secret never shows when the keychain or the credential is logged.
  const rendered = `${endpoint.keychain} ${JSON.stringify(endpoint.keychain)} ${inspect(endpoint.keychain)} ${JSON.stringify(second)} ${inspect(second)}`;
  assert.ok(!rendered.includes('second'), rendered);
});

test('registryToken from env becomes a bearer credential; a missing variable names it, not a value', async () => {
  const env: Record<string, string> = { PROD_TOKEN: 'tok-123' };
  const { keychain } = endpointForEnvironment(
    'prod',
    environment({ registry: 'registry.prod.example', credentials: { registryToken: { env: 'PROD_TOKEN' } } }),
    { env },
  );
  assert.deepEqual(
    { ...(await keychain.resolve('registry.prod.example')) },
    { kind: 'bearer', token: 'tok-123' },
  );
  delete env['PROD_TOKEN'];
  await assert.rejects(keychain.resolve('registry.prod.example'), /PROD_TOKEN is not set/);
});

test('TLS: verify false allows plain HTTP; certDir and caFile are passed on', () => {
  const insecure = endpointForEnvironment(
    'dev',
    environment({ registry: 'localhost:5000', tls: { verify: false }, credentials: { anonymous: true } }),
    { env: {} },
  );
  assert.equal(insecure.tlsVerify, false);
  const withDir = endpointForEnvironment(
    'prod',
    environment({
      registry: 'registry.prod.example',
      tls: { certDir: 'certs' },
      credentials: { anonymous: true },
    }),
    { env: {} },
  );
  assert.equal(withDir.certDir, '/etc/ferry/certs');
  const withFile = endpointForEnvironment(
    'prod',
    environment({
      registry: 'registry.prod.example',
      tls: { caFile: 'ca.pem' },
      credentials: { anonymous: true },
    }),
    { env: {} },
  );
  assert.deepEqual(withFile.caFiles, ['/etc/ferry/ca.pem']); // resolved against the config's directory
});

test('environmentEndpoints hands out one Endpoint per environment (Registries caches pools by identity)', () => {
  const lookup = environmentEndpoints(
    { environments: { a: environment({ registry: 'a.example', credentials: { anonymous: true } }) } },
    { env: {} },
  );
  assert.equal(lookup('a'), lookup('a'));
  assert.equal(lookup('b'), undefined);
});
