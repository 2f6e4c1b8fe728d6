import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configSchemas, type FerryConfig } from '../config/schema.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';
import type { PromotionRequest } from './promotion-request.ts';
import { resolveRequest } from './resolve-request.ts';

const anonymous = { anonymous: true };
const config: FerryConfig = configSchemas({ baseDir: '/etc/ferry' }).config.parse({
  environments: {
    nonprod: {
      registry: 'registry.nonprod.example',
      aliases: ['docker-registry.default.svc:5000'],
      credentials: anonymous,
    },
    staging: { registry: 'registry.staging.example', credentials: anonymous },
    prod: { registry: 'registry.prod.example', credentials: anonymous },
  },
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

  test('malformed requests are 422 and name the field', () => {
    const cases: [PromotionRequest, RegExp][] = [
      [req({ environment: 'nonprod', repository: 'Team-A/app', tag: 'abc1234' }), /source\.repository/],
      [req({ environment: 'nonprod', repository: 'team-a/app' }), /source\.tag is required/],
      [req({ environment: 'nonprod', repository: 'team-a/app', tag: 'abc;rm' }), /source\.tag/],
      [
        req({ environment: 'nonprod', repository: 'team-a/app', tag: 'abc1234', digest: 'sha256:xyz' }),
        /source\.digest/,
      ],
      [req({ repository: 'team-a/app', tag: 'abc1234' }), /environment or a registry/],
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
});
