import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { environmentsForHost, matchRule, tagAllowed } from './match-rule.ts';
import { configSchemas, type FerryConfig } from './schema.ts';

const anonymous = { anonymous: true };

function config(promotions: readonly object[]): FerryConfig {
  return configSchemas({ baseDir: '/etc/ferry' }).config.parse({
    environments: {
      nonprod: {
        registry: 'Registry.NonProd.example',
        aliases: ['docker-registry.default.svc:5000'],
        credentials: anonymous,
      },
      staging: { registry: 'registry.staging.example:443', credentials: anonymous },
      prod: { registry: 'registry.prod.example:5000', credentials: anonymous },
    },
    promotions,
  });
}

const rule = (name: string, from: string, to: string, tags = '.+') => ({ name, from, to, tags });

describe('patterns and templates', () => {
  const cfg = config([
    rule('team-a', 'nonprod:team-a/*', 'prod:team-a/*'),
    rule('deep', 'nonprod:platform/**', 'prod:mirror/platform/**'),
    rule('mid', 'nonprod:apps/*/svc/*', 'prod:*/services/*'),
    rule('exact', 'nonprod:tools/skopeo', 'prod:tools/skopeo-promoted'),
  ]);

  test('* matches exactly one segment and fills the template', () => {
    const match = matchRule(cfg, { environment: 'nonprod', repository: 'team-a/app', tag: 'abc1234' });
    assert.equal(match?.rule.name, 'team-a');
    assert.deepEqual(match?.source, {
      environment: 'nonprod',
      registry: 'Registry.NonProd.example',
      repository: 'team-a/app',
      tag: 'abc1234',
    });
    assert.deepEqual(match?.destination, {
      environment: 'prod',
      registry: 'registry.prod.example:5000',
      repository: 'team-a/app',
      tag: 'abc1234',
    });
    assert.equal(matchRule(cfg, { environment: 'nonprod', repository: 'team-a/app/sub' }), undefined);
    assert.equal(matchRule(cfg, { environment: 'nonprod', repository: 'team-a' }), undefined);
  });

  test('** matches one or more segments', () => {
    assert.equal(
      matchRule(cfg, { environment: 'nonprod', repository: 'platform/a' })?.destination.repository,
      'mirror/platform/a',
    );
    assert.equal(
      matchRule(cfg, { environment: 'nonprod', repository: 'platform/a/b/c' })?.destination.repository,
      'mirror/platform/a/b/c',
    );
    assert.equal(matchRule(cfg, { environment: 'nonprod', repository: 'platform' }), undefined);
  });

  test('several wildcards fill in order', () => {
    const match = matchRule(cfg, { environment: 'nonprod', repository: 'apps/shop/svc/cart' });
    assert.equal(match?.rule.name, 'mid');
    assert.equal(match?.destination.repository, 'shop/services/cart');
  });

  test('literal patterns match only themselves', () => {
    assert.equal(
      matchRule(cfg, { environment: 'nonprod', repository: 'tools/skopeo' })?.destination.repository,
      'tools/skopeo-promoted',
    );
    assert.equal(matchRule(cfg, { environment: 'nonprod', repository: 'tools/skopeo2' }), undefined);
  });

  test('no match: other environment, other repository, invalid repository', () => {
    assert.equal(matchRule(cfg, { environment: 'prod', repository: 'team-a/app' }), undefined);
    assert.equal(matchRule(cfg, { environment: 'nonprod', repository: 'team-b/app' }), undefined);
    assert.equal(matchRule(cfg, { environment: 'nope', repository: 'team-a/app' }), undefined);
    assert.equal(matchRule(cfg, { repository: 'team-a/app' }), undefined);
    for (const repository of ['team-a/App', 'team-a/../x', 'team-a/app:tag', 'team-a/', '', 'team-a/a b']) {
      assert.equal(matchRule(cfg, { environment: 'nonprod', repository }), undefined, repository);
    }
  });

  test('a destination over the name length limit does not match', () => {
    const long = `platform/${'a'.repeat(216)}`;
    assert.ok(`Registry.NonProd.example/${long}`.length <= 255, 'the source name is valid');
    assert.ok(`registry.prod.example:5000/mirror/${long}`.length > 255, 'the destination name is not');
    assert.equal(matchRule(cfg, { environment: 'nonprod', repository: long }), undefined);
    const shorter = `platform/${'a'.repeat(200)}`;
    assert.equal(matchRule(cfg, { environment: 'nonprod', repository: shorter })?.rule.name, 'deep');
  });
});

describe('host → environment', () => {
  const cfg = config([rule('team-a', 'nonprod:team-a/*', 'prod:team-a/*')]);

  test('by registry host, case-insensitively', () => {
    const match = matchRule(cfg, { registry: 'registry.nonprod.EXAMPLE', repository: 'team-a/app' });
    assert.equal(match?.source.environment, 'nonprod');
    // Always the configured host, not the spelling the trigger used.
    assert.equal(match?.source.registry, 'Registry.NonProd.example');
  });

  test('by alias', () => {
    const match = matchRule(cfg, { registry: 'docker-registry.default.svc:5000', repository: 'team-a/app' });
    assert.equal(match?.source.registry, 'Registry.NonProd.example');
  });

  test('default ports are ignored; other ports are not', () => {
    assert.deepEqual(environmentsForHost(cfg, 'registry.nonprod.example:443'), ['nonprod']);
    assert.deepEqual(environmentsForHost(cfg, 'registry.staging.example'), ['staging']);
    assert.deepEqual(environmentsForHost(cfg, 'registry.staging.example:80'), ['staging']);
    assert.deepEqual(environmentsForHost(cfg, 'registry.prod.example'), []);
    assert.deepEqual(environmentsForHost(cfg, 'registry.prod.example:5000'), ['prod']);
    assert.deepEqual(environmentsForHost(cfg, 'docker-registry.default.svc'), []);
  });

  test('environment and host together must agree', () => {
    assert.ok(
      matchRule(cfg, {
        environment: 'nonprod',
        registry: 'registry.nonprod.example',
        repository: 'team-a/a',
      }),
    );
    assert.equal(
      matchRule(cfg, {
        environment: 'nonprod',
        registry: 'registry.prod.example:5000',
        repository: 'team-a/a',
      }),
      undefined,
    );
  });

  test('unknown host: no match', () => {
    assert.equal(matchRule(cfg, { registry: 'evil.example', repository: 'team-a/app' }), undefined);
  });
});

describe('rule order and destination hints', () => {
  const cfg = config([
    rule('to-staging', 'nonprod:team-a/*', 'staging:team-a/*'),
    rule('to-prod', 'nonprod:team-a/*', 'prod:team-a/*'),
  ]);

  test('first matching rule wins without a hint', () => {
    assert.equal(
      matchRule(cfg, { environment: 'nonprod', repository: 'team-a/app' })?.rule.name,
      'to-staging',
    );
  });

  test('a destination environment or registry picks the rule', () => {
    const source = { environment: 'nonprod', repository: 'team-a/app' };
    assert.equal(matchRule(cfg, source, { environment: 'prod' })?.rule.name, 'to-prod');
    assert.equal(matchRule(cfg, source, { registry: 'REGISTRY.prod.example:5000' })?.rule.name, 'to-prod');
    assert.equal(matchRule(cfg, source, { environment: 'nonprod' }), undefined);
  });

  test('a destination repository that the template does not produce: no match', () => {
    const source = { environment: 'nonprod', repository: 'team-a/app' };
    assert.equal(
      matchRule(cfg, source, { environment: 'prod', repository: 'team-a/app' })?.rule.name,
      'to-prod',
    );
    assert.equal(matchRule(cfg, source, { environment: 'prod', repository: 'team-a/other' }), undefined);
  });
});

describe('tagAllowed', () => {
  test('the pattern must match the whole tag', () => {
    const sha = { tags: '[0-9a-f]{7,40}' };
    assert.ok(tagAllowed(sha, 'abc1234'));
    assert.ok(tagAllowed(sha, 'a'.repeat(40)));
    assert.ok(!tagAllowed(sha, 'abc123'));
    assert.ok(!tagAllowed(sha, 'latest'));
    assert.ok(!tagAllowed(sha, 'xabc1234'), 'not a substring match');
    assert.ok(!tagAllowed(sha, 'abc1234-dirty'));
  });

  test('alternation is anchored as a whole', () => {
    const rule = { tags: 'v1|v2' };
    assert.ok(tagAllowed(rule, 'v1'));
    assert.ok(!tagAllowed(rule, 'v1x'));
    assert.ok(!tagAllowed(rule, 'xv2'));
  });

  test('patterns already anchored by the user still work', () => {
    assert.ok(tagAllowed({ tags: '^v[0-9]+$' }, 'v12'));
  });
});
