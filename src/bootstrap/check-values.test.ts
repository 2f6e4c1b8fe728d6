import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkDns1035Label,
  checkDns1123Label,
  checkDns1123Subdomain,
  checkImage,
  checkPublicUrl,
  checkQuantity,
  checkRegistryHost,
  checkSha256Hex,
  checkTagPattern,
} from './check-values.ts';

test('DNS-1123 labels: lowercase alphanumerics and "-", at most 63 characters', () => {
  for (const ok of ['a', 'team-a', '0ferry', 'a'.repeat(63)])
    assert.equal(checkDns1123Label(ok), undefined, ok);
  for (const bad of ['', 'Team', 'team_a', '-a', 'a-', 'a.b', 'a'.repeat(64), 'ä', 'a b']) {
    assert.match(checkDns1123Label(bad) ?? '', /DNS-1123 label/, bad);
  }
});

test('DNS-1035 labels start with a letter (Service names)', () => {
  assert.equal(checkDns1035Label('ferry'), undefined);
  assert.match(checkDns1035Label('1ferry') ?? '', /starting with a letter/);
});

test('DNS-1123 subdomains: dot-separated labels', () => {
  assert.equal(checkDns1123Subdomain('ferry.apps.prod.example'), undefined);
  for (const bad of ['Ferry.example', 'a..b', '.a', 'a.', 'a_b.example']) {
    assert.match(checkDns1123Subdomain(bad) ?? '', /DNS-1123 subdomain/, bad);
  }
});

test('registry hosts: host[:port] that the reference grammar reads as a registry', () => {
  for (const ok of [
    'registry.example',
    'registry.example:5000',
    'localhost',
    'localhost:5000',
    '[::1]:5000',
  ]) {
    assert.equal(checkRegistryHost(ok), undefined, ok);
  }
  assert.match(checkRegistryHost('https://r.example') ?? '', /without a scheme/);
  assert.match(checkRegistryHost('r.example/team') ?? '', /without a path/);
  assert.match(checkRegistryHost('registry') ?? '', /Docker Hub namespace/);
  assert.match(checkRegistryHost('') ?? '', /empty/);
  assert.notEqual(checkRegistryHost('r.example:99999'), undefined);
  assert.notEqual(checkRegistryHost('r.example:5000:1'), undefined);
  assert.notEqual(checkRegistryHost('r.example; rm -rf /'), undefined);
});

test('the image needs an explicit tag or digest', () => {
  assert.equal(checkImage('ghcr.io/ferry-dev/ferry:0.1.0'), undefined);
  assert.equal(checkImage(`ghcr.io/ferry-dev/ferry@sha256:${'a'.repeat(64)}`), undefined);
  assert.match(checkImage('ghcr.io/ferry-dev/ferry') ?? '', /explicit tag or digest/);
  assert.notEqual(checkImage('ghcr.io/Ferry:1'), undefined);
});

test('storage sizes, tag patterns, token hashes and public URLs', () => {
  for (const ok of ['1Gi', '500Mi', '10G']) assert.equal(checkQuantity(ok), undefined, ok);
  for (const bad of ['0', '1 Gi', '1gb', '-1Gi', '']) assert.notEqual(checkQuantity(bad), undefined, bad);

  assert.equal(checkTagPattern('[0-9a-f]{7,40}'), undefined);
  assert.match(checkTagPattern('') ?? '', /empty/);
  assert.match(checkTagPattern('[') ?? '', /not a regular expression/);

  assert.equal(checkSha256Hex('ab'.repeat(32)), undefined);
  assert.match(checkSha256Hex('secret-token') ?? '', /not the token itself/);
  assert.match(
    checkSha256Hex('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855') ?? '',
    /empty token/,
  );

  assert.equal(checkPublicUrl('https://ferry.example'), undefined);
  assert.match(checkPublicUrl('http://ferry.example') ?? '', /https/);
  assert.match(checkPublicUrl('https://u:p@ferry.example') ?? '', /credentials/);
  assert.match(checkPublicUrl('ferry.example') ?? '', /absolute/);
});
