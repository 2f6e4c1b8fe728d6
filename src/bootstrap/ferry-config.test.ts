import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseBootstrapOptions, type TargetOptions } from './bootstrap-options.ts';
import { ferryConfig } from './ferry-config.ts';

function target(extra: Record<string, unknown> = {}): TargetOptions {
  const options = parseBootstrapOptions(
    {
      platform: 'openshift',
      role: 'target',
      sourceNamespace: ['team-a'],
      targetNamespace: 'team-a-prod',
      sourceRegistry: 'registry.nonprod.example',
      targetRegistry: 'registry.prod.example:443',
      ...extra,
    },
    '0.1.0',
  );
  assert.equal(options.role, 'target');
  return options as TargetOptions;
}

test('two environments, one rule, a file-referenced webhook secret, TLS verified', () => {
  const config = parse(ferryConfig(target()));
  assert.deepEqual(config, {
    version: 1,
    server: { listen: '0.0.0.0:8080', dataDir: '/var/lib/ferry' },
    environments: {
      nonprod: {
        registry: 'registry.nonprod.example',
        tls: { verify: true },
        credentials: { tokenFile: '/var/run/secrets/ferry/nonprod/token' },
      },
      prod: {
        registry: 'registry.prod.example:443',
        // OpenShift: the cluster's service CA, which signs the internal registry's certificate.
        tls: { verify: true, caFile: '/etc/ferry-ca/prod/service-ca.crt' },
        credentials: { tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' },
      },
    },
    promotions: [
      {
        name: 'team-a',
        description: 'team-a (non-prod) to team-a-prod (prod)',
        from: 'nonprod:team-a/*',
        to: 'prod:team-a-prod/*',
        tags: '[0-9a-f]{7,40}',
        immutableTags: true,
        copySignatures: true,
      },
    ],
    triggers: {
      api: { enabled: false },
      standardWebhooks: { enabled: true, secrets: [{ file: '/var/run/secrets/ferry/webhook/secret' }] },
    },
  });
});

test('auth files, CAs, a public URL, a viewer token and deep repositories on kubernetes', () => {
  const config = parse(
    ferryConfig(
      target({
        platform: 'kubernetes',
        sourceCaConfigmap: 'nonprod-ca',
        targetCaConfigmap: 'prod-ca',
        publicUrl: 'https://ferry.prod.example',
        viewerTokenSha256: 'c'.repeat(64),
        tags: "v[0-9]+ # not a comment: 'quoted'",
      }),
    ),
  );
  assert.deepEqual(config.environments.nonprod, {
    registry: 'registry.nonprod.example',
    tls: { verify: true, caFile: '/etc/ferry-ca/nonprod/ca.crt' },
    credentials: { authFile: '/var/run/secrets/ferry/nonprod/.dockerconfigjson' },
  });
  assert.deepEqual(config.environments.prod.credentials, {
    authFile: '/var/run/secrets/ferry/prod/.dockerconfigjson',
  });
  assert.equal(config.environments.prod.tls.caFile, '/etc/ferry-ca/prod/ca.crt');
  assert.equal(config.server.publicUrl, 'https://ferry.prod.example');
  assert.equal(config.promotions[0].from, 'nonprod:team-a/**');
  assert.equal(config.promotions[0].tags, "v[0-9]+ # not a comment: 'quoted'");
  assert.deepEqual(config.apiTokens, [{ name: 'nonprod-ci', role: 'viewer', sha256: 'c'.repeat(64) }]);
});

test('only OpenShift trusts the service CA by default, and --target-ca-configmap replaces it', () => {
  assert.equal(
    parse(ferryConfig(target({ platform: 'kubernetes' }))).environments.prod.tls.caFile,
    undefined,
  );
  const own = parse(ferryConfig(target({ targetCaConfigmap: 'router-ca' })));
  assert.equal(own.environments.prod.tls.caFile, '/etc/ferry-ca/prod/ca.crt');
});

test('never turns TLS verification off and never holds an inline secret', () => {
  for (const platform of ['openshift', 'kubernetes']) {
    const text = ferryConfig(target({ platform }));
    assert.doesNotMatch(text, /verify: false|value:|password:|registryToken:/);
  }
});
