import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import {
  PROMOTION_REQUESTED_EVENT,
  parseStandardWebhookBody,
  type StandardWebhookBody,
} from './standard-webhook-body.ts';

const DIGEST = `sha256:${'f'.repeat(64)}`;
const OPTIONS = { deliveryId: 'msg_2LjQ4', actor: 'webhook:nonprod-ci' };

function invalid(value: unknown, message: RegExp): void {
  assert.throws(
    () => parseStandardWebhookBody(value, OPTIONS),
    (err) => {
      assert.ok(err instanceof TriggerError, String(err));
      assert.equal(err.code, TriggerErrorCode.InvalidBody);
      assert.equal(err.status, 400);
      assert.match(err.message, message);
      return true;
    },
  );
}

describe('parseStandardWebhookBody', () => {
  test('the body ferry trigger sends becomes a standard-webhook request keyed by webhook-id', () => {
    const body: StandardWebhookBody = {
      type: PROMOTION_REQUESTED_EVENT,
      data: { image: 'team-a/app', tag: 'abc123' },
    };
    assert.deepEqual(parseStandardWebhookBody(JSON.parse(JSON.stringify(body)), OPTIONS), {
      source: { repository: 'team-a/app', tag: 'abc123' },
      trigger: { kind: 'standard-webhook', deliveryId: 'msg_2LjQ4', actor: 'webhook:nonprod-ci' },
    });
  });

  test('all optional fields', () => {
    const body: StandardWebhookBody = {
      type: 'promotion.requested',
      timestamp: '2024-05-01T10:00:00.000Z',
      data: {
        image: 'team-a/app',
        tag: 'abc123',
        digest: DIGEST,
        from: 'nonprod',
        to: 'prod',
        gitCommit: 'ABC1234',
        labels: { 'ci.build': '42' },
      },
    };
    assert.deepEqual(parseStandardWebhookBody(body, { actor: 'gh', kind: 'github' }), {
      source: { environment: 'nonprod', repository: 'team-a/app', tag: 'abc123', digest: DIGEST },
      destination: { environment: 'prod' },
      trigger: { kind: 'github', actor: 'gh' },
      gitCommit: 'abc1234',
      labels: { 'ci.build': '42' },
    });
  });

  test('digest instead of tag', () => {
    const request = parseStandardWebhookBody(
      { type: 'promotion.requested', data: { image: 'app', digest: DIGEST } },
      OPTIONS,
    );
    assert.deepEqual(request.source, { repository: 'app', digest: DIGEST });
  });

  test('wrong event type, missing data, neither tag nor digest', () => {
    invalid(
      { type: 'push', data: { image: 'a', tag: 't' } },
      /type: Invalid input: expected "promotion.requested"/,
    );
    invalid({ type: 'promotion.requested' }, /data: Invalid input/);
    invalid({ type: 'promotion.requested', data: { image: 'a' } }, /data: needs a "tag" or a "digest"/);
  });

  test('strict at both levels', () => {
    invalid(
      { type: 'promotion.requested', data: { image: 'a', tag: 't' }, extra: 1 },
      /\(body\): unknown field "extra"/,
    );
    invalid(
      { type: 'promotion.requested', data: { image: 'a', tag: 't', registry: 'r.io' } },
      /data: unknown field "registry"/,
    );
  });

  test('values are validated', () => {
    invalid(
      { type: 'promotion.requested', data: { image: 'a', tag: '`id`' } },
      /data.tag: "`id`" is invalid/,
    );
    invalid({ type: 'promotion.requested', data: { image: 'r.io:5000/a', tag: 't' } }, /data.image/);
    invalid({ type: 'promotion.requested', data: { image: 'a', tag: 't', to: 'PROD' } }, /data.to/);
    invalid(
      { type: 'promotion.requested', data: { image: 'a', tag: 't', gitCommit: 'xyz' } },
      /data.gitCommit/,
    );
    invalid(
      { type: 'promotion.requested', timestamp: 'yesterday', data: { image: 'a', tag: 't' } },
      /timestamp/,
    );
    invalid(
      { type: 'promotion.requested', data: { image: `${'a'.repeat(200)}/${'b'.repeat(60)}`, tag: 't' } },
      /data.image: .*longer than 255/,
    );
  });
});
