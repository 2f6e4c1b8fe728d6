import assert from 'node:assert/strict';
import { test } from 'node:test';
import { destinationRepository } from './destination-name.ts';

test('keeps the whole path, under the destination prefix', () => {
  const opts = { prefix: 'mirror', scoped: false, rename: [] };
  assert.equal(destinationRepository('reg.example', 'team-a/app', opts), 'mirror/team-a/app');
  assert.equal(destinationRepository(undefined, 'app', { ...opts, prefix: '' }), 'app');
});

test('--scoped adds the source registry, ports written with "_"', () => {
  const opts = { prefix: '', scoped: true, rename: [] };
  assert.equal(destinationRepository('localhost:5000', 'team-a/app', opts), 'localhost_5000/team-a/app');
});

test('rename rules: first match wins, wildcards carried over', () => {
  const opts = {
    prefix: '',
    scoped: true,
    rename: [
      { from: 'team-a/*', to: 'prod/team-a/*' },
      { from: '**', to: 'other/**' },
    ],
  };
  assert.equal(destinationRepository('reg', 'team-a/app', opts), 'prod/team-a/app');
  assert.equal(destinationRepository('reg', 'team-b/x/y', opts), 'other/team-b/x/y');
});
