import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DestinationClaims, destinationRepository } from './destination-name.ts';

test('as skopeo: a registry repository keeps its last component, under the destination prefix', () => {
  const opts = { prefix: 'mirror', scoped: false, lastComponent: true, rename: [] };
  assert.equal(destinationRepository('reg.example', 'team-a/app', opts), 'mirror/app');
  assert.equal(destinationRepository('reg.example', 'app', { ...opts, prefix: '' }), 'app');
  // Layout sources have no registry: their names are kept whole.
  assert.equal(destinationRepository(undefined, 'team-a/app', opts), 'mirror/team-a/app');
});

test('layout destinations keep whole paths', () => {
  const opts = { prefix: '', scoped: false, lastComponent: false, rename: [] };
  assert.equal(destinationRepository('reg.example', 'team-a/app', opts), 'team-a/app');
});

test('two sources claiming one destination repository are refused, naming both', () => {
  const claims = new DestinationClaims();
  claims.claim('mirror/app', 'reg/team-a/app');
  claims.claim('mirror/app', 'reg/team-a/app');
  assert.throws(
    () => claims.claim('mirror/app', 'reg/team-b/app'),
    /reg\/team-a\/app and reg\/team-b\/app.*--scoped/,
  );
});

test('--scoped adds the source registry, ports written with "_"', () => {
  const opts = { prefix: '', scoped: true, lastComponent: true, rename: [] };
  assert.equal(destinationRepository('localhost:5000', 'team-a/app', opts), 'localhost_5000/team-a/app');
});

test('rename rules: first match wins, wildcards carried over', () => {
  const opts = {
    prefix: '',
    scoped: true,
    lastComponent: true,
    rename: [
      { from: 'team-a/*', to: 'prod/team-a/*' },
      { from: '**', to: 'other/**' },
    ],
  };
  assert.equal(destinationRepository('reg', 'team-a/app', opts), 'prod/team-a/app');
  assert.equal(destinationRepository('reg', 'team-b/x/y', opts), 'other/team-b/x/y');
});
