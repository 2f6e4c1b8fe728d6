import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import { parseRestPromotionBody, type RestPromotionBody } from './rest-body.ts';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const OPTIONS = { actor: 'token:ci-bot' };

function invalid(value: unknown, message: RegExp, fields?: readonly string[]): void {
  assert.throws(
    () => parseRestPromotionBody(value, OPTIONS),
    (err) => {
      assert.ok(err instanceof TriggerError, String(err));
      assert.equal(err.code, TriggerErrorCode.InvalidBody);
      assert.equal(err.status, 400);
      assert.match(err.message, message);
      if (fields !== undefined) assert.deepEqual(err.fields, fields);
      return true;
    },
  );
}

describe('parseRestPromotionBody', () => {
  test('minimal body: repository and tag', () => {
    assert.deepEqual(
      parseRestPromotionBody({ source: { repository: 'team-a/app', tag: 'abc123' } }, OPTIONS),
      {
        source: { repository: 'team-a/app', tag: 'abc123' },
        trigger: { kind: 'api', actor: 'token:ci-bot' },
      },
    );
  });

  test('full body with every field, registry canonicalised', () => {
    const body: RestPromotionBody = {
      source: {
        environment: 'nonprod',
        registry: 'Registry.NonProd.example:5000',
        repository: 'team-a/app',
        tag: 'v1.2.3',
        digest: DIGEST,
      },
      destination: {
        environment: 'prod',
        registry: 'index.docker.io',
        repository: 'team-a/app-prod',
        tag: 'v1.2.3',
      },
      labels: { 'ci.url': 'https://ci.example.com/job/42' },
      gitCommit: 'ABCDEF0123',
    };
    assert.deepEqual(parseRestPromotionBody(body, { actor: 'token:x', deliveryId: 'idem-1' }), {
      source: {
        environment: 'nonprod',
        registry: 'registry.nonprod.example:5000',
        repository: 'team-a/app',
        tag: 'v1.2.3',
        digest: DIGEST,
      },
      destination: {
        environment: 'prod',
        registry: 'docker.io',
        repository: 'team-a/app-prod',
        tag: 'v1.2.3',
      },
      trigger: { kind: 'api', actor: 'token:x', deliveryId: 'idem-1' },
      gitCommit: 'abcdef0123',
      labels: { 'ci.url': 'https://ci.example.com/job/42' },
    });
  });

  test('digest alone is enough; an empty destination is dropped', () => {
    const request = parseRestPromotionBody(
      { source: { repository: 'app', digest: DIGEST }, destination: {} },
      OPTIONS,
    );
    assert.deepEqual(request.source, { repository: 'app', digest: DIGEST });
    assert.equal('destination' in request, false);
  });

  test('needs a tag or a digest', () => {
    invalid({ source: { repository: 'team-a/app' } }, /source: needs a "tag" or a "digest"/, ['source']);
  });

  test('strict: unknown fields anywhere are refused', () => {
    invalid(
      { source: { repository: 'a', tag: 't' }, destnation: {} },
      /\(body\): unknown field "destnation"/,
    );
    invalid({ source: { repository: 'a', tag: 't', image: 'x' } }, /source: unknown field "image"/);
    invalid(
      { source: { repository: 'a', tag: 't' }, destination: { digest: DIGEST } },
      /destination: unknown field "digest"/,
    );
  });

  test('wrong types and shapes', () => {
    invalid(null, /expected object/);
    invalid([], /expected object/);
    invalid({}, /source: Invalid input/);
    invalid({ source: { repository: 1, tag: 't' } }, /source.repository: Invalid input: expected string/);
    invalid({ source: { repository: 'a', tag: null } }, /source.tag/);
  });

  test('every reference field is validated by the reference grammar', () => {
    invalid(
      { source: { repository: 'Team/App', tag: 't' } },
      /source.repository: "Team\/App" is invalid: repository name must be lowercase/,
    );
    invalid({ source: { repository: 'a', tag: '$(id)' } }, /source.tag: "\$\(id\)" is invalid/);
    invalid(
      { source: { repository: 'a', tag: 't', digest: 'sha256:abc' } },
      /source.digest: "sha256:abc" is invalid/,
    );
    invalid({ source: { repository: 'a/../b', tag: 't' } }, /source.repository/);
    invalid(
      { source: { repository: 'a', tag: 't', registry: 'https://r.example.com' } },
      /source.registry: .*URL scheme/,
    );
    invalid(
      { source: { repository: 'a', tag: 't', registry: 'registry' } },
      /source.registry: .*not a registry host/,
    );
    invalid({ source: { repository: 'a', tag: 't', environment: 'Prod' } }, /source.environment/);
    invalid(
      { source: { repository: 'a', tag: 't' }, destination: { repository: 'a;rm -rf /' } },
      /destination.repository/,
    );
    invalid(
      { source: { repository: 'a', tag: 't' }, destination: { tag: 'a\nb' } },
      /destination.tag: "a\\nb" is invalid/,
    );
    invalid({ source: { repository: 'a', tag: 't' }, gitCommit: 'main' }, /gitCommit/);
    invalid({ source: { repository: 'a', tag: 't' }, labels: { 'a b': 'x' } }, /labels\["a b"\]/);
  });

  test('all problems are listed in one error', () => {
    invalid(
      { source: { repository: 'A', tag: '-x' }, destination: { environment: 'P' } },
      /source.repository: .*; source.tag: .*; destination.environment: /,
      ['source.repository', 'source.tag', 'destination.environment'],
    );
  });

  test('whole-reference limits count the registry', () => {
    const repository = `${'a'.repeat(120)}/${'b'.repeat(120)}`;
    assert.ok(parseRestPromotionBody({ source: { repository, tag: 't' } }, OPTIONS));
    invalid(
      { source: { registry: 'registry.example.com', repository, tag: 't' } },
      /source: the reference is invalid: name longer than 255/,
    );
    invalid(
      {
        source: { repository: 'a', tag: 't' },
        destination: { registry: 'registry.example.com', repository },
      },
      /destination: the reference is invalid/,
    );
  });
});
