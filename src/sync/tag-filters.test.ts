import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTagRegex, selectByRegex, selectBySemver, semverRange, tagVersion } from './tag-filters.ts';

const TAGS = ['1.0.0', '1.2.0', 'v1.2.3', '1.2', '1.3.0-rc.1', '2.0.0', 'latest', 'v2', '1.2.3-debug', 'abc'];

test('regex selection is unanchored, like Go regexp.MatchString', () => {
  assert.deepEqual(selectByRegex(TAGS, '1\\.2'), ['1.2.0', 'v1.2.3', '1.2', '1.2.3-debug']);
  assert.deepEqual(selectByRegex(TAGS, '^1\\.2\\.\\d+$'), ['1.2.0']);
});

test('a bad regex is reported with a reason', () => {
  assert.match(checkTagRegex('(unclosed') ?? '', /not a valid regular expression/);
  assert.equal(checkTagRegex('^v\\d+$'), undefined);
});

test('semver tags are read leniently, non-versions are skipped', () => {
  assert.equal(tagVersion('v1.2'), '1.2.0');
  assert.equal(tagVersion('1'), '1.0.0');
  assert.equal(tagVersion('latest'), undefined);
  assert.equal(tagVersion('1.2.3.4'), undefined);
});

test('Masterminds constraints: commas AND, || OR; prereleases need an explicit prerelease bound', () => {
  assert.deepEqual(selectBySemver(TAGS, '>= 1.2.0, < 2'), ['1.2.0', 'v1.2.3', '1.2']);
  assert.deepEqual(selectBySemver(TAGS, '~1.2 || >=2'), ['1.2.0', 'v1.2.3', '1.2', '2.0.0', 'v2']);
  assert.equal(semverRange('>= banana'), undefined);
  assert.deepEqual(selectBySemver(TAGS, 'not a range'), []);
});
