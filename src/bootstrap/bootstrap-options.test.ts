import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { type BootstrapFlags, parseBootstrapOptions } from './bootstrap-options.ts';

const TARGET: BootstrapFlags = {
  platform: 'openshift',
  role: 'target',
  sourceNamespace: ['team-a'],
  targetNamespace: 'team-a-prod',
  sourceRegistry: 'registry.nonprod.example',
  targetRegistry: 'registry.prod.example',
};

function usageError(flags: BootstrapFlags, message: RegExp): void {
  assert.throws(
    () => parseBootstrapOptions(flags, '0.1.0'),
    (err) => err instanceof FerryError && err.code === ErrorCode.BadUsage && message.test(err.message),
  );
}

describe('parseBootstrapOptions', () => {
  test('source defaults: the account lives in the first source namespace', () => {
    const options = parseBootstrapOptions(
      { platform: 'openshift', role: 'source', sourceNamespace: ['team-a', 'team-b'] },
      '0.1.0',
    );
    assert.deepEqual(options, {
      platform: 'openshift',
      role: 'source',
      version: '0.1.0',
      name: 'ferry',
      namespace: 'team-a',
      serviceAccount: 'ferry-image-puller',
      createNamespace: false,
      sourceNamespaces: ['team-a', 'team-b'],
      sourceRegistry: undefined,
    });
  });

  test('target defaults depend on the platform', () => {
    const openshift = parseBootstrapOptions(TARGET, '0.1.0');
    assert.equal(openshift.role, 'target');
    if (openshift.role !== 'target') return;
    assert.equal(openshift.namespace, 'team-a-prod');
    assert.equal(openshift.serviceAccount, 'ferry');
    assert.equal(openshift.image, 'ghcr.io/ferry-dev/ferry:0.1.0');
    assert.equal(openshift.tags, '[0-9a-f]{7,40}');
    assert.equal(openshift.sourceAuth, 'token');
    assert.equal(openshift.targetAuth, 'service-account');
    assert.equal(openshift.storageSize, '1Gi');

    const kubernetes = parseBootstrapOptions({ ...TARGET, platform: 'kubernetes' }, '0.2.0');
    if (kubernetes.role !== 'target') return assert.fail();
    assert.equal(kubernetes.image, 'ghcr.io/ferry-dev/ferry:0.2.0');
    assert.equal(kubernetes.sourceAuth, 'auth-file');
    assert.equal(kubernetes.targetAuth, 'auth-file');
  });

  test('a Route host becomes the public URL unless one is given', () => {
    const withHost = parseBootstrapOptions({ ...TARGET, routeHost: 'ferry.apps.example' }, '0.1.0');
    assert.equal(withHost.role === 'target' && withHost.publicUrl, 'https://ferry.apps.example');
    const both = parseBootstrapOptions(
      { ...TARGET, routeHost: 'ferry.apps.example', publicUrl: 'https://ferry.example/' },
      '0.1.0',
    );
    assert.equal(both.role === 'target' && both.publicUrl, 'https://ferry.example');
  });

  test('errors name the flag and the value', () => {
    usageError({ ...TARGET, platform: 'nomad' }, /^platform "nomad": expected one of openshift, kubernetes$/);
    usageError({ ...TARGET, role: 'both' }, /^--role "both": expected one of source, target$/);
    usageError({ ...TARGET, role: undefined }, /^--role is required/);
    usageError({ ...TARGET, namespace: 'Prod' }, /^--namespace "Prod": must be a DNS-1123 label/);
    usageError({ ...TARGET, serviceAccount: 'a_b' }, /^--service-account "a_b": must be a DNS-1123 label/);
    usageError({ ...TARGET, sourceRegistry: 'nonprod' }, /^--source-registry "nonprod": must contain "\."/);
    usageError(
      { ...TARGET, image: 'ghcr.io/x/ferry' },
      /^--image "ghcr\.io\/x\/ferry": needs an explicit tag/,
    );
    usageError({ ...TARGET, tags: '(' }, /^--tags "\(": is not a regular expression/);
    usageError(
      { ...TARGET, sourceAuth: 'password' },
      /^--source-auth "password": expected one of token, auth-file$/,
    );
    usageError({ ...TARGET, storageSize: 'lots' }, /^--storage-size "lots": must be a size/);
    usageError(
      { ...TARGET, sourceCaConfigmap: 'CA' },
      /^--source-ca-configmap "CA": must be a DNS-1123 subdomain/,
    );
  });

  test('control characters in a bad value are escaped in the message', () => {
    usageError({ ...TARGET, targetNamespace: 'a\u001b[2Jb' }, /"a\\u001b\[2Jb"/);
  });

  test('the role decides which flags are required and which are refused', () => {
    usageError(
      { platform: 'openshift', role: 'source' },
      /--source-namespace is required with --role source/,
    );
    usageError(
      { ...TARGET, role: 'source', image: 'x.example/ferry:1' },
      /^--image applies to --role target only$/,
    );
    usageError({ ...TARGET, sourceNamespace: [] }, /--source-namespace is required with --role target/);
    usageError(
      { ...TARGET, sourceNamespace: ['a', 'b'] },
      /more than once: --role target writes one promotion rule/,
    );
    usageError(
      { ...TARGET, targetNamespace: undefined },
      /^--target-namespace is required with --role target/,
    );
    usageError({ ...TARGET, targetRegistry: undefined }, /^--target-registry is required with --role target/);
    usageError(
      { ...TARGET, platform: 'kubernetes', routeHost: 'a.example' },
      /--route-host applies to openshift only/,
    );
    usageError(
      { platform: 'openshift', role: 'source', sourceNamespace: ['a', 'a'] },
      /the same namespace is given twice/,
    );
  });

  test('a value that may be a token is never echoed', () => {
    assert.throws(
      () => parseBootstrapOptions({ ...TARGET, viewerTokenSha256: 'tok_live_abcdef' }, '0.1.0'),
      (err) => err instanceof FerryError && !err.message.includes('tok_live') && /sha256/i.test(err.message),
    );
    const ok = parseBootstrapOptions({ ...TARGET, viewerTokenSha256: 'AB'.repeat(32) }, '0.1.0');
    assert.equal(ok.role === 'target' && ok.viewerTokenSha256, 'ab'.repeat(32));
  });
});
