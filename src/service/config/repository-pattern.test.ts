import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkRepositoryPattern,
  fillRepositoryTemplate,
  matchRepositoryPattern,
  splitEnvironmentPattern,
  wildcardsOf,
} from './repository-pattern.ts';

describe('splitEnvironmentPattern', () => {
  test('splits at the first colon', () => {
    assert.deepEqual(splitEnvironmentPattern('nonprod:team-a/*'), {
      environment: 'nonprod',
      repository: 'team-a/*',
    });
  });
  test('refuses a missing or malformed environment', () => {
    assert.match(
      String(splitEnvironmentPattern('team-a/*')),
      /expected "<environment>:<repository pattern>"/,
    );
    assert.match(String(splitEnvironmentPattern('registry.example:5000/team-a')), /not an environment name/);
    assert.match(String(splitEnvironmentPattern(':team-a')), /not an environment name/);
  });
});

describe('checkRepositoryPattern', () => {
  test('accepts literals and whole-segment wildcards', () => {
    for (const pattern of ['team-a/app', 'team-a/*', '*/app', '**', 'a/**/b', 'a/*/b/*', 'a.b/c__d/e-f']) {
      assert.equal(checkRepositoryPattern(pattern), undefined, pattern);
    }
  });
  test('refuses what the grammar refuses, with its reason', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['Team/*', /lowercase/],
      ['team-a/app-*', /whole path segments/],
      ['team-a/**/x/**', /at most one "\*\*"/],
      ['team-a//app', /empty path component/],
      ['team-a/-app', /must start with a lowercase letter or digit/],
      ['team-a/app:latest', /no tag/],
      ['team-a/app@sha256:abc', /no tag .* or digest/],
      ['team a/*', /whitespace/],
      ['team-a/$(id)', /not allowed/],
    ];
    for (const [pattern, reason] of cases)
      assert.match(checkRepositoryPattern(pattern) ?? 'ok', reason, pattern);
  });
});

describe('matching and filling', () => {
  test('wildcardsOf lists wildcards in order', () => {
    assert.deepEqual(wildcardsOf('a/*/b/**'), ['*', '**']);
    assert.deepEqual(wildcardsOf('a/b'), []);
  });
  test('captures in order, ** joined with "/"', () => {
    assert.deepEqual(matchRepositoryPattern('a/*/c', 'a/b/c'), ['b']);
    assert.deepEqual(matchRepositoryPattern('a/**/z', 'a/b/c/z'), ['b/c']);
    assert.deepEqual(matchRepositoryPattern('*/x/**', 'p/x/q/r'), ['p', 'q/r']);
    assert.deepEqual(matchRepositoryPattern('**/app', 'a/b/app'), ['a/b']);
    assert.deepEqual(matchRepositoryPattern('a/b', 'a/b'), []);
  });
  test('non-matches', () => {
    assert.equal(matchRepositoryPattern('a/*', 'a'), undefined);
    assert.equal(matchRepositoryPattern('a/*', 'a/b/c'), undefined);
    assert.equal(matchRepositoryPattern('a/**', 'a'), undefined, '** needs at least one segment');
    assert.equal(matchRepositoryPattern('a/**/z', 'a/z'), undefined);
    assert.equal(matchRepositoryPattern('a/b', 'a/c'), undefined);
  });
  test('fill puts captures back in order', () => {
    assert.equal(fillRepositoryTemplate('prod/*/x/**', ['p', 'q/r']), 'prod/p/x/q/r');
    assert.equal(fillRepositoryTemplate('fixed/name', []), 'fixed/name');
  });
});
