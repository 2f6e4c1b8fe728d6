import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configSchemas } from './schema.ts';

const schemas = configSchemas({ baseDir: '/etc/ferry' });

function messages(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('secret references', () => {
  test('exactly one source, normalised to a one-key object, paths made absolute', () => {
    assert.deepEqual(schemas.secretRef.parse({ file: 'secrets/x' }), { file: '/etc/ferry/secrets/x' });
    assert.deepEqual(schemas.secretRef.parse({ env: 'HOOK_SECRET' }), { env: 'HOOK_SECRET' });
    assert.deepEqual(schemas.secretRef.parse({ value: 'v' }), { value: 'v' });
    assert.deepEqual(messages(schemas.secretRef.safeParse({})), [
      ': a secret reference needs one of: file, env, value',
    ]);
    assert.deepEqual(messages(schemas.secretRef.safeParse({ env: 'not a name' })), [
      'env: must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)',
    ]);
  });

  test('a bare string is not a secret reference (no accidental inline secrets)', () => {
    assert.equal(schemas.secretRef.safeParse('whsec_abc').success, false);
  });
});

describe('credentials', () => {
  const env = (credentials: object) => schemas.environment.safeParse({ registry: 'r.example', credentials });

  test('each source becomes a tagged variant', () => {
    assert.deepEqual(env({ tokenFile: '/t', username: 'openshift' }).data?.credentials, {
      kind: 'token-file',
      tokenFile: '/t',
      username: 'openshift',
    });
    assert.deepEqual(env({ username: 'robot$ferry', password: { env: 'P' } }).data?.credentials, {
      kind: 'basic',
      username: 'robot$ferry',
      password: { env: 'P' },
    });
    assert.deepEqual(env({ authFile: 'auth.json' }).data?.credentials, {
      kind: 'auth-file',
      authFile: '/etc/ferry/auth.json',
    });
    assert.deepEqual(env({ registryToken: { file: '/tok' } }).data?.credentials, {
      kind: 'registry-token',
      registryToken: { file: '/tok' },
    });
    assert.deepEqual(env({ anonymous: true }).data?.credentials, { kind: 'anonymous' });
  });

  test('username rules', () => {
    assert.deepEqual(messages(env({ password: { env: 'P' } })), [
      'credentials.username: password needs a username',
    ]);
    assert.deepEqual(messages(env({ username: 'u', anonymous: true })), [
      'credentials.username: username only goes with tokenFile or password',
    ]);
    assert.deepEqual(messages(env({ anonymous: false })), [
      'credentials.anonymous: set "anonymous: true", or remove it and configure credentials',
    ]);
    assert.deepEqual(messages(env({})), [
      'credentials: credentials needs one of: tokenFile, password, authFile, registryToken, anonymous',
    ]);
  });
});

describe('server', () => {
  test('listen forms', () => {
    const listen = (value: string) => schemas.server.safeParse({ listen: value });
    assert.deepEqual(listen('127.0.0.1:9000').data?.listen, { host: '127.0.0.1', port: 9000 });
    assert.deepEqual(listen(':8443').data?.listen, { host: '0.0.0.0', port: 8443 });
    assert.deepEqual(listen('[::]:8080').data?.listen, { host: '::', port: 8080 });
    assert.deepEqual(listen('localhost:1').data?.listen, { host: 'localhost', port: 1 });
    for (const bad of ['8080', 'host:', 'host:0', 'host:65536', 'a b:80', 'http://x:80']) {
      assert.equal(listen(bad).success, false, bad);
    }
  });

  test('publicUrl: http(s), trailing slash dropped, no credentials', () => {
    const url = (value: string) => schemas.server.safeParse({ publicUrl: value });
    assert.equal(url('https://ferry.example/base/').data?.publicUrl, 'https://ferry.example/base');
    assert.equal(url('not a url').success, false);
    assert.equal(url('https://u:p@ferry.example').success, false);
    assert.equal(url('https://ferry.example/#x').success, false);
  });
});

describe('resumable uploads', () => {
  test('on by default for blobs of 64 MiB and up in 16 MiB chunks; sizes are whole MiB', () => {
    const server = (extra: object) => schemas.config.shape.server.safeParse(extra);
    assert.deepEqual(server({}).data?.resumableUploads, { enabled: true, minBlobMiB: 64, chunkMiB: 16 });
    assert.deepEqual(server({ resumableUploads: { chunkMiB: 8 } }).data?.resumableUploads, {
      enabled: true,
      minBlobMiB: 64,
      chunkMiB: 8,
    });
    assert.equal(server({ resumableUploads: { enabled: false } }).data?.resumableUploads.enabled, false);
    assert.deepEqual(messages(server({ resumableUploads: { chunkMiB: 0 } })), [
      'resumableUploads.chunkMiB: Too small: expected number to be >=1',
    ]);
    assert.deepEqual(messages(server({ resumableUploads: { minBlobMiB: 1.5 } })), [
      'resumableUploads.minBlobMiB: Invalid input: expected int, received number',
    ]);
  });
});

describe('failover settings', () => {
  test('lease and heartbeat: defaults, bounds, at least two heartbeats per lease', () => {
    const server = (extra: object) => schemas.config.shape.server.safeParse(extra);
    assert.deepEqual([server({}).data?.leaseSeconds, server({}).data?.heartbeatSeconds], [15, 5]);
    assert.equal(server({ leaseSeconds: 60, heartbeatSeconds: 20 }).success, true);
    assert.deepEqual(messages(server({ leaseSeconds: 20, heartbeatSeconds: 11 })), [
      'heartbeatSeconds: must be at most half of leaseSeconds (20): one late heartbeat must not lose the lease',
    ]);
    assert.equal(server({ leaseSeconds: 5 }).success, false);
  });
});

describe('promotion rules', () => {
  const rule = (extra: object) =>
    schemas.promotion.safeParse({ name: 'r', from: 'a:x/*', to: 'b:y/*', tags: '.+', ...extra });

  test('names follow the name grammar', () => {
    assert.equal(rule({ name: 'Team A' }).success, false);
    assert.equal(rule({ name: 'team-a.v2_x' }).success, true);
  });

  test('approvals and signature defaults, and explicit values', () => {
    assert.deepEqual(rule({}).data?.approvals, { required: 0, allowSelfApproval: false });
    assert.deepEqual(rule({ approvals: { required: 2, approvers: ['a', 'b'] } }).data?.approvals, {
      required: 2,
      approvers: [
        { kind: 'token', value: 'a' },
        { kind: 'token', value: 'b' },
      ],
      allowSelfApproval: false,
    });
    assert.deepEqual(messages(rule({ approvals: { required: 1.5 } })), [
      'approvals.required: Invalid input: expected int, received number',
    ]);
    assert.deepEqual(
      rule({ signature: { required: true, publicKeyFiles: ['k.pub'], trustedRootFile: 'root.json' } }).data
        ?.signature,
      {
        required: true,
        publicKeyFiles: ['/etc/ferry/k.pub'],
        identities: [],
        trustedRootFile: '/etc/ferry/root.json',
        tlog: true,
        predicateTypes: ['https://sigstore.dev/cosign/sign/v1'],
        attestations: [],
      },
    );
  });

  test('wildcards: same sequence required; ** and * are different', () => {
    assert.equal(rule({ from: 'a:x/*/y/**', to: 'b:z/*/**' }).success, true);
    assert.match(
      messages(rule({ from: 'a:x/*/y/**', to: 'b:z/**/*' })).join(),
      /same wildcards in the same order/,
    );
    assert.match(messages(rule({ from: 'a:x/*', to: 'b:fixed' })).join(), /from has "\*", to has none/);
  });

  test("releaseTag: a valid tag the rule's tag pattern cannot match", () => {
    assert.equal(rule({}).data?.releaseTag, undefined);
    assert.equal(rule({ tags: '[0-9a-f]{7,40}', releaseTag: 'prod' }).data?.releaseTag, 'prod');
    assert.match(messages(rule({ releaseTag: '-prod' })).join(), /^releaseTag: is not a valid tag/);
    assert.deepEqual(messages(rule({ tags: 'v[0-9]+|prod', releaseTag: 'prod' })), [
      'releaseTag: "prod" is matched by tags "v[0-9]+|prod": a source tag of that name would be promoted over the release tag; narrow tags or choose another release tag',
    ]);
  });
});

describe('notify targets', () => {
  test('events default to all, and must be known', () => {
    const target = schemas.notifyTarget.parse({ name: 'chat', url: 'https://hooks.example/x' });
    assert.deepEqual(target.events, [
      'requested',
      'awaiting-approval',
      'approved',
      'rejected',
      'succeeded',
      'failed',
      'cancelled',
    ]);
    assert.equal(
      schemas.notifyTarget.safeParse({ name: 'c', url: 'https://h.example', events: ['done'] }).success,
      false,
    );
    assert.equal(
      schemas.notifyTarget.safeParse({ name: 'c', url: 'https://h.example', events: [] }).success,
      false,
    );
  });
});

describe('api tokens', () => {
  test('the hash of the empty token is refused', () => {
    const result = schemas.apiToken.safeParse({
      name: 't',
      role: 'admin',
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
    assert.deepEqual(messages(result), ['sha256: is the SHA-256 of an empty token']);
  });
});
