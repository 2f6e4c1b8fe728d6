import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SyncConfigError } from './sync-config-error.ts';
import { parseSyncFile } from './sync-file.ts';

function problems(text: string): string[] {
  try {
    parseSyncFile(text, 'sync.yaml');
  } catch (err) {
    assert.ok(err instanceof SyncConfigError);
    return err.problems.map((p) => `${p.line}:${p.column} ${p.key}: ${p.message}`);
  }
  assert.fail('expected a SyncConfigError');
}

test('reads skopeo sync YAML and the ferry extensions', () => {
  const spec = parseSyncFile(
    `registry.example.com:
  images:
    busybox: []
    team-a/app: ["1.0", "sha256:${'a'.repeat(64)}"]
  images-by-tag-regex:
    nginx: ^1\\.2
  images-by-semver:
    alpine: ">= 3.18, < 4"
  credentials:
    username: bot
    password-file: ./bot-password
  tls-verify: false
  cert-dir: ./certs
  platforms: [linux/arm64]
  rename:
    team-a/*: prod/team-a/*
quay.io:
  images:
    coreos/etcd: null
`,
    'sync.yaml',
  );
  assert.equal(spec.registries.length, 2);
  const [first, second] = spec.registries;
  assert.deepEqual(
    first!.repositories.map((r) => [r.repository, r.selection.kind]),
    [
      ['busybox', 'all'],
      ['team-a/app', 'list'],
      ['nginx', 'regex'],
      ['alpine', 'semver'],
    ],
  );
  assert.deepEqual(first!.credentials, { username: 'bot', passwordFile: './bot-password' });
  assert.equal(first!.tlsVerify, false);
  assert.deepEqual(first!.platforms, [{ os: 'linux', architecture: 'arm64', variant: undefined }]);
  assert.deepEqual(first!.rename, [{ from: 'team-a/*', to: 'prod/team-a/*' }]);
  assert.deepEqual(second!.repositories[0]!.selection, { kind: 'all' });
});

test('every problem is reported with its line, column and key', () => {
  const found = problems(`reg.example:
  images:
    Bad_Repo: []
    ok/app: ["not a tag!"]
  images-by-tag-regex:
    x: "(unclosed"
  credentials:
    username: u
  rename:
    team-a/*: prod/**
  tls-verfy: true
`);
  assert.deepEqual(found, [
    '11:3 reg.example.tls-verfy: unknown key',
    '3:5 reg.example.images.Bad_Repo: "Bad_Repo" is not a repository name',
    '4:14 reg.example.images.ok/app.0: not a tag or a digest (sha256:…)',
    '6:5 reg.example.images-by-tag-regex.x: not a valid regular expression (/(unclosed/u: Unterminated group)',
    '7:3 reg.example.credentials: give exactly one of "password" and "password-file"',
    '10:5 reg.example.rename.team-a/*: the destination must use the same wildcards in the same order as the source pattern',
  ]);
});

test('wrong types and shapes name the key; values are never echoed', () => {
  const found = problems(`reg.example:
  tls-verify: "hunter2"
  images: [a, b]
`);
  assert.equal(found.length, 2);
  assert.match(found[0]!, /^3:3 reg.example.images: expected a mapping/);
  assert.match(found[1]!, /^2:3 reg.example.tls-verify: expected true or false/);
  assert.ok(!found.join('\n').includes('hunter2'));
  assert.match(problems('- a\n- b\n')[0]!, /expected a mapping of registries/);
  assert.match(problems('reg.example:\n')[0]!, /lists no images/);
  assert.match(problems('a: [\n')[0]!, /^\d+:\d+ : /);
});
