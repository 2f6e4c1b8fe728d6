import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authFilePaths } from './auth-file-paths.ts';

const home = '/home/u';

test('--authfile is the only file consulted (skopeo userSpecifiedPath)', () => {
  assert.deepEqual(
    authFilePaths({ authFile: '/x/auth.json', env: { REGISTRY_AUTH_FILE: '/y.json' }, homeDir: home }),
    [{ path: '/x/auth.json', legacyFormat: false }],
  );
});

test('REGISTRY_AUTH_FILE behaves like --authfile', () => {
  assert.deepEqual(
    authFilePaths({ env: { REGISTRY_AUTH_FILE: '/y.json', XDG_RUNTIME_DIR: '/run/user/1' }, homeDir: home }),
    [{ path: '/y.json', legacyFormat: false }],
  );
});

test('default chain with XDG variables', () => {
  assert.deepEqual(
    authFilePaths({ env: { XDG_RUNTIME_DIR: '/run/user/1000', XDG_CONFIG_HOME: '/cfg' }, homeDir: home }).map(
      (p) => p.path,
    ),
    [
      '/run/user/1000/containers/auth.json',
      '/cfg/containers/auth.json',
      '/home/u/.docker/config.json',
      '/home/u/.dockercfg',
    ],
  );
});

test('default chain without XDG variables; DOCKER_CONFIG replaces ~/.docker', () => {
  const paths = authFilePaths({
    env: { DOCKER_CONFIG: '/dc', REGISTRY_AUTH_FILE: '' },
    homeDir: home,
    uid: 1234,
  });
  assert.deepEqual(paths, [
    { path: '/run/containers/1234/auth.json', legacyFormat: false },
    { path: '/home/u/.config/containers/auth.json', legacyFormat: false },
    { path: '/dc/config.json', legacyFormat: false },
    { path: '/home/u/.dockercfg', legacyFormat: true },
  ]);
});
