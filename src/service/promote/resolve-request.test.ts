import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configSchemas, type FerryConfig } from '../config/schema.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';
import type { PromotionRequest, TriggerKind } from './promotion-request.ts';
import { resolveRequest, TriggerNotAllowedError } from './resolve-request.ts';

const anonymous = { anonymous: true };
const environments = {
  nonprod: {
    registry: 'registry.nonprod.example',
    aliases: ['docker-registry.default.svc:5000'],
    credentials: anonymous,
  },
  staging: { registry: 'registry.staging.example', credentials: anonymous },
  prod: { registry: 'registry.prod.example', credentials: anonymous },
};
const config: FerryConfig = configSchemas({ baseDir: '/etc/ferry' }).config.parse({
  environments,
  promotions: [
    { name: 'to-staging', from: 'nonprod:team-a/*', to: 'staging:team-a/*', tags: '[0-9a-f]{7,40}' },
    { name: 'to-prod', from: 'nonprod:team-a/*', to: 'prod:apps/*', tags: '[0-9a-f]{7,40}' },
  ],
});

const DIGEST = `sha256:${'a'.repeat(64)}`;

function req(
  source: PromotionRequest['source'],
  destination?: PromotionRequest['destination'],
): PromotionRequest {
  return { source, destination, trigger: { kind: 'api', actor: 'ci' } };
}

function refused(code: string, pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof PromotionError);
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  };
}

describe('resolveRequest', () => {
  test('matches the first rule; the destination keeps the tag', () => {
    const resolved = resolveRequest(
      config,
      req({ environment: 'nonprod', repository: 'team-a/app', tag: 'abc1234' }),
    );
    assert.equal(resolved.match.rule.name, 'to-staging');
    assert.equal(resolved.match.destination.repository, 'team-a/app');
    assert.equal(resolved.tag, 'abc1234');
    assert.equal(resolved.digest, undefined);
  });

  test('a destination hint and a registry alias choose the rule', () => {
    const resolved = resolveRequest(
      config,
      req(
        {
          registry: 'docker-registry.default.svc:5000',
          repository: 'team-a/app',
          tag: 'abc1234',
          digest: DIGEST,
        },
        { environment: 'prod' },
      ),
    );
    assert.equal(resolved.match.rule.name, 'to-prod');
    assert.equal(resolved.match.destination.repository, 'apps/app');
    assert.equal(resolved.match.source.registry, 'registry.nonprod.example');
    assert.equal(resolved.digest, DIGEST);
  });

  test('no rule is a 404; a tag outside the pattern a 422', () => {
    assert.throws(
      () => resolveRequest(config, req({ environment: 'nonprod', repository: 'team-b/app', tag: 'abc1234' })),
      refused(PromotionErrorCode.NoRule, /no promotion rule applies to nonprod:team-b\/app/),
    );
    assert.throws(
      () => resolveRequest(config, req({ environment: 'prod', repository: 'team-a/app', tag: 'abc1234' })),
      refused(PromotionErrorCode.NoRule, /prod:team-a\/app/),
    );
    assert.throws(
      () => resolveRequest(config, req({ environment: 'nonprod', repository: 'team-a/app', tag: 'latest' })),
      refused(PromotionErrorCode.TagNotAllowed, /"latest" is not allowed by rule "to-staging"/),
    );
    assert.equal(new PromotionError(PromotionErrorCode.TagNotAllowed, 'x').status, 422);
  });

  test('requests that make no sense as a whole are 422 and name the field', () => {
    const cases: [PromotionRequest, RegExp][] = [
      [req({ environment: 'nonprod', repository: 'team-a/app' }), /source\.tag is required/],
      [
        req({ environment: 'nonprod', repository: 'team-a/app', tag: 'abc1234' }, { tag: 'def5678' }),
        /keeps the tag/,
      ],
      [
        req({ environment: 'nonprod', repository: 'team-a/app', tag: 'abc1234' }, { digest: DIGEST }),
        /destination\.digest/,
      ],
    ];
    for (const [request, pattern] of cases) {
      assert.throws(
        () => resolveRequest(config, request),
        refused(PromotionErrorCode.InvalidRequest, pattern),
      );
    }
  });

  test('a source without environment or registry takes the first rule, in config order, that fits', () => {
    const open = (source: object, destination?: object) =>
      resolveRequest(config, req({ repository: 'team-a/app', tag: 'abc1234', ...source }, destination)).match;
    assert.equal(open({}).rule.name, 'to-staging');
    assert.equal(open({}).source.environment, 'nonprod', 'the rule decided the source environment');
    assert.equal(open({}, { environment: 'prod' }).rule.name, 'to-prod');
    assert.throws(
      () => open({ repository: 'team-z/app' }),
      refused(PromotionErrorCode.NoRule, /^no promotion rule applies to team-z\/app \(any environment\)$/),
    );
    assert.throws(
      () => open({ registry: 'registry.other.example' }, { environment: 'prod', repository: 'x/y' }),
      refused(
        PromotionErrorCode.NoRule,
        /^no promotion rule applies to registry\.other\.example\/team-a\/app → prod:x\/y$/,
      ),
    );
  });
});

describe('resolveRequest: which triggers a rule accepts', () => {
  const withTriggers: FerryConfig = configSchemas({ baseDir: '/etc/ferry' }).config.parse({
    environments,
    promotions: [
      { name: 'by-ci', from: 'nonprod:ci/*', to: 'prod:ci/*', tags: '.+' },
      { name: 'by-push', from: 'nonprod:pushed/*', to: 'prod:pushed/*', tags: 'v.+', triggers: ['harbor'] },
      { name: 'catch-all', from: 'nonprod:**', to: 'prod:**', tags: '.+', triggers: ['distribution', 'api'] },
    ],
    triggers: { distribution: { enabled: true, environment: 'nonprod', authorization: { value: 'x' } } },
  });
  const ask = (repository: string, kind: TriggerKind, tag = 'v1') =>
    resolveRequest(withTriggers, {
      source: { environment: 'nonprod', repository, tag },
      trigger: { kind, actor: 'someone' },
    });

  test('by default every trigger but registry events', () => {
    for (const kind of ['api', 'standard-webhook', 'github', 'openshift'] as const) {
      assert.equal(ask('ci/app', kind).match.rule.name, 'by-ci', kind);
    }
    for (const kind of ['distribution', 'harbor'] as const) {
      assert.throws(
        () => ask('ci/app', kind),
        (err) =>
          err instanceof TriggerNotAllowedError &&
          err.status === 403 &&
          err.code === PromotionErrorCode.TriggerNotAllowed &&
          err.rule === 'by-ci' &&
          err.trigger === kind &&
          err.message.startsWith(`rule "by-ci" does not accept the ${kind} trigger`),
      );
    }
  });

  test('a rule that lists triggers accepts exactly those; config names map to trigger kinds', () => {
    assert.equal(ask('pushed/app', 'harbor').match.rule.name, 'by-push');
    assert.throws(
      () => ask('pushed/app', 'standard-webhook'),
      /does not accept the standardWebhooks trigger/,
    );
    assert.throws(() => ask('pushed/app', 'api'), /\(it accepts: harbor\)/);
  });

  test('the rule is chosen before the trigger is looked at: a refused trigger does not fall through to a later rule', () => {
    // catch-all would accept distribution, but by-push is first for pushed/*: the push is refused.
    assert.throws(() => ask('pushed/app', 'distribution'), TriggerNotAllowedError);
    assert.equal(ask('other/app', 'distribution').match.rule.name, 'catch-all');
  });

  test('the trigger is judged before the tag', () => {
    assert.throws(() => ask('pushed/app', 'api', 'latest'), TriggerNotAllowedError);
    assert.throws(
      () => ask('pushed/app', 'harbor', 'latest'),
      refused(PromotionErrorCode.TagNotAllowed, /latest/),
    );
  });
});
