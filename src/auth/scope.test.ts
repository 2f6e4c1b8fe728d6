import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeScopes, parseScope, scopeFor } from './scope.ts';

test('scopeFor renders actions in canonical order without duplicates', () => {
  assert.equal(scopeFor('samalba/my-app', ['pull', 'push']), 'repository:samalba/my-app:pull,push');
  assert.equal(scopeFor('a/b', ['push', 'pull', 'push']), 'repository:a/b:pull,push');
  assert.equal(scopeFor('library/ubuntu', ['pull']), 'repository:library/ubuntu:pull');
  assert.equal(scopeFor('a', ['delete', 'pull']), 'repository:a:pull,delete');
  assert.throws(() => scopeFor('a', []), RangeError);
});

test('mergeScopes unions actions per resource and keeps first-seen order', () => {
  assert.deepEqual(
    mergeScopes([
      'repository:src/app:pull',
      'repository:dst/app:push',
      'repository:dst/app:pull',
      'repository:src/app:pull',
    ]),
    ['repository:src/app:pull', 'repository:dst/app:pull,push'],
  );
});

test('mergeScopes splits space-separated scope lists and keeps unknown forms verbatim', () => {
  assert.deepEqual(
    mergeScopes(['repository:a:pull registry:catalog:*', 'repository:a:push', 'weird', 'weird']),
    ['repository:a:pull,push', 'registry:catalog:*', 'weird'],
  );
  assert.deepEqual(mergeScopes([]), []);
});

test('mergeScopes keeps resource classes distinct', () => {
  assert.deepEqual(mergeScopes(['repository(plugin):a:pull', 'repository:a:push']), [
    'repository(plugin):a:pull',
    'repository:a:push',
  ]);
});

test('parseScope takes the name between the first and last colon', () => {
  assert.deepEqual(parseScope('repository:host:5000/a:pull,push'), {
    type: 'repository',
    name: 'host:5000/a',
    actions: ['pull', 'push'],
  });
  assert.equal(parseScope('repository:a'), undefined);
  assert.equal(parseScope(':a:pull'), undefined);
  assert.equal(parseScope('repository::pull'), undefined);
  assert.equal(parseScope('repository:a:'), undefined);
});
