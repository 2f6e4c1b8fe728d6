import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAttachmentTag, PROMOTABLE_MEDIA_TYPES, staticHeaderMatches } from './registry-events.ts';

test('staticHeaderMatches compares exactly, ignoring surrounding whitespace of the received value', () => {
  assert.ok(staticHeaderMatches('Bearer abc123', 'Bearer abc123'));
  assert.ok(staticHeaderMatches(' Bearer abc123 ', 'Bearer abc123'));
  assert.ok(!staticHeaderMatches('Bearer abc12', 'Bearer abc123'));
  assert.ok(!staticHeaderMatches('bearer abc123', 'Bearer abc123'));
  assert.ok(!staticHeaderMatches('Bearer abc1234', 'Bearer abc123'));
});

test('staticHeaderMatches never matches when nothing is configured or received', () => {
  assert.ok(!staticHeaderMatches(undefined, 'Bearer abc123'));
  assert.ok(!staticHeaderMatches('', ''));
  assert.ok(!staticHeaderMatches('anything', ''));
});

test('attachment tags are recognised, ordinary tags are not', () => {
  const hex = 'a'.repeat(64);
  for (const tag of [
    `sha256-${hex}`,
    `sha256-${hex}.sig`,
    `sha256-${hex}.att`,
    `sha256-${hex}.sbom`,
    `sha512-${'b'.repeat(128)}`,
  ]) {
    assert.ok(isAttachmentTag(tag), tag);
  }
  for (const tag of ['latest', 'sha256-abc', `v1-${hex}`, `sha256-${hex.toUpperCase()}`])
    assert.ok(!isAttachmentTag(tag), tag);
});

test('exactly four promotable media types', () => {
  assert.equal(PROMOTABLE_MEDIA_TYPES.size, 4);
});
