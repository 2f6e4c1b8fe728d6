import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PromotionError, PromotionErrorCode } from '../promote/promotion-error.ts';
import { createAdmission, matchRequest } from './admission.ts';
import { FakePromotionService, testConfig } from './http-fixture.ts';

const config = testConfig((raw) => {
  raw['environments'] = {
    ...(raw['environments'] as object),
    staging: { registry: 'registry.staging.example', credentials: { anonymous: true } },
  };
  raw['promotions'] = [
    { name: 'to-staging', from: 'staging:team-b/*', to: 'prod:team-b/*', tags: '.+' },
    { name: 'team-b', from: 'nonprod:team-b/*', to: 'staging:team-b/*', tags: '.+' },
    { name: 'team-a', from: 'nonprod:team-a/*', to: 'prod:team-a/*', tags: '.+' },
  ];
});

test('a source without environment or registry takes the first rule, in config order, that fits', () => {
  const request = (source: object, destination?: object) => ({
    source: { repository: 'team-b/app', tag: 'v1', ...source },
    ...(destination === undefined ? {} : { destination }),
    trigger: { kind: 'api' as const, actor: 'x' },
  });
  assert.equal(matchRequest(config, request({}))?.rule.name, 'to-staging');
  assert.equal(matchRequest(config, request({}, { environment: 'staging' }))?.rule.name, 'team-b');
  assert.equal(matchRequest(config, request({ environment: 'nonprod' }))?.rule.name, 'team-b');
  assert.equal(matchRequest(config, request({ repository: 'team-a/app' }))?.rule.name, 'team-a');
  assert.equal(matchRequest(config, request({ repository: 'team-z/app' })), undefined);
  assert.equal(matchRequest(config, request({ environment: 'unknown' })), undefined);
});

const actor = { name: 'hook', kind: 'webhook' as const };

test('prepare pins the environment of the rule that decided, and names what no rule covers', () => {
  const admission = createAdmission({ config, service: new FakePromotionService(config) });
  const open = {
    source: { repository: 'team-a/app', tag: 'v1' },
    trigger: { kind: 'api' as const, actor: 'x' },
  };
  const prepared = admission.prepare(open);
  assert.equal(prepared.match.rule.name, 'team-a');
  assert.deepEqual(prepared.request.source, { repository: 'team-a/app', tag: 'v1', environment: 'nonprod' });
  const named = { ...open, source: { ...open.source, registry: 'registry.nonprod.example:5000' } };
  assert.equal(admission.prepare(named).request, named, 'a request that names its source is passed as it is');
  assert.throws(
    () =>
      admission.prepare({
        source: { registry: 'registry.other.example', repository: 'x/y', tag: 'v1' },
        destination: { environment: 'prod' },
        trigger: { kind: 'openshift', actor: 'x' },
      }),
    (err) =>
      err instanceof PromotionError &&
      err.status === 404 &&
      err.code === PromotionErrorCode.NoRule &&
      err.message === 'no promotion rule applies to registry.other.example: x/y → prod: (rule default)',
  );
});

test('accept recognises a replayed delivery by the promotion the service returns for it', async () => {
  const service = new FakePromotionService(config);
  const admission = createAdmission({ config, service });
  const request = {
    source: { environment: 'nonprod', repository: 'team-a/app', tag: 'v1' },
    trigger: { kind: 'standard-webhook' as const, deliveryId: 'msg_1', actor: 'hook' },
  };
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
