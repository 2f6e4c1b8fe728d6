import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PromotionError, PromotionErrorCode } from '../promote/promotion-error.ts';
import { createAdmission } from './admission.ts';
import { FakePromotionService, testConfig } from './http-fixture.ts';

const config = testConfig((raw) => {
  raw['promotions'] = [
    { name: 'team-a', from: 'nonprod:team-a/*', to: 'prod:team-a/*', tags: '.+' },
    {
      name: 'pushed',
      from: 'nonprod:pushed/*',
      to: 'prod:pushed/*',
      tags: '.+',
      triggers: ['distribution'],
      approvals: { required: 1 },
    },
  ];
});

const actor = { name: 'hook', kind: 'webhook' as const };

test('the service gets the request resolved once, exactly as admission resolved it', async () => {
  const service = new FakePromotionService(config);
  const admission = createAdmission({ config, service });
  const resolved = admission.resolve({
    source: { repository: 'team-a/app', tag: 'v1' },
    trigger: { kind: 'api', actor: 'x' },
  });
  assert.equal(resolved.match.rule.name, 'team-a');
  assert.equal(resolved.match.source.environment, 'nonprod', 'the rule decided the source environment');
  await admission.accept(resolved, actor);
  assert.equal(service.callsTo('accept')[0]?.args[0], resolved);
});

test('a trigger the rule does not list is refused before the service is asked (403, naming rule and trigger)', () => {
  const service = new FakePromotionService(config);
  const admission = createAdmission({ config, service });
  assert.throws(
    () =>
      admission.resolve({
        source: { environment: 'nonprod', repository: 'pushed/app', tag: 'v1' },
        trigger: { kind: 'standard-webhook', actor: 'x', deliveryId: 'msg_1' },
      }),
    (err) =>
      err instanceof PromotionError &&
      err.status === 403 &&
      err.code === PromotionErrorCode.TriggerNotAllowed &&
      /rule "pushed" does not accept the standardWebhooks trigger/.test(err.message),
  );
  assert.equal(service.callsTo('accept').length, 0);
});

test('accept recognises a replayed delivery by the promotion the service returns for it', async () => {
  const service = new FakePromotionService(config);
  const admission = createAdmission({ config, service });
  const request = admission.resolve({
    source: { environment: 'nonprod', repository: 'team-a/app', tag: 'v1' },
    trigger: { kind: 'standard-webhook' as const, deliveryId: 'msg_1', actor: 'hook' },
  });
  const first = await admission.accept(request, actor);
  assert.deepEqual([first.result.created, first.replayed], [true, false]);
  const again = await admission.accept(request, actor);
  assert.deepEqual([again.result.created, again.replayed], [false, true]);
  assert.equal(again.result.promotion.id, first.result.promotion.id);

  // The same promotion requested under another delivery id is idempotent acceptance, not a replay.
  const other = await admission.accept(
    { ...request, trigger: { ...request.trigger, deliveryId: 'msg_2' } },
    actor,
  );
  assert.deepEqual([other.result.created, other.replayed], [false, false]);
  const { deliveryId: _omit, ...trigger } = request.trigger;
  const noId = await admission.accept({ ...request, trigger }, actor);
  assert.equal(noId.replayed, false);
});
