import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TriggerErrorCode } from '../../api/trigger-error.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import { MediaType } from '../../oci/media-types.ts';
import { PromotionErrorCode } from '../promote/promotion-error.ts';
import {
  acceptedView,
  buildTestApp,
  DIGEST,
  NONPROD_REGISTRY,
  newDeliveryId,
  SECRETS,
  type TestApp,
  testConfig,
} from './http-fixture.ts';

let t: TestApp;

before(async () => {
  t = await buildTestApp();
});

after(async () => {
  await t.app.close();
});

const DISTRIBUTION_TYPE = 'application/vnd.docker.distribution.events.v2+json';

function pushEvent(
  overrides: { id?: string; repository?: string; tag?: string; mediaType?: string; action?: string } = {},
) {
  return {
    id: overrides.id ?? newDeliveryId('ev'),
    timestamp: '2024-05-01T10:00:00Z',
    action: overrides.action ?? 'push',
    target: {
      mediaType: overrides.mediaType ?? MediaType.OciManifest,
      digest: DIGEST,
      size: 1234,
      repository: overrides.repository ?? 'team-a/app',
      url: `https://registry:5000/v2/team-a/app/manifests/${DIGEST}`,
      tag: overrides.tag ?? 'v1.0',
    },
    // An in-cluster name: the configured environment's registry is used instead.
    request: { id: 'r', addr: '10.0.0.1:1234', host: 'registry:5000', method: 'PUT', useragent: 'docker' },
    actor: { name: 'ci-bot' },
    source: { addr: 'registry-0:5000', instanceID: 'i' },
  };
}

function postDistribution(body: unknown, authorization: string = SECRETS.distribution) {
  return t.app.inject({
    method: 'POST',
    url: '/hooks/registry/distribution',
    headers: { 'content-type': DISTRIBUTION_TYPE, authorization },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('POST /hooks/registry/distribution', () => {
  test('a tagged manifest push matching a rule becomes a promotion of the configured environment', async () => {
    const event = pushEvent({ tag: 'dist1' });
    const response = await postDistribution({ events: [event] });
    assert.equal(response.statusCode, 202, response.body);
    const body = response.json();
    assert.equal(body.promotions.length, 1);
    assert.equal(body.promotions[0].created, true);
    assert.deepEqual(body.ignored, []);
    const [call] = t.service.callsTo('accept').slice(-1);
    assert.deepEqual(acceptedView(call), [
      {
        rule: 'team-a',
        source: 'nonprod:team-a/app',
        destination: 'prod:team-a/app',
        tag: 'dist1',
        digest: DIGEST,
        trigger: { kind: 'distribution', deliveryId: event.id, actor: 'ci-bot' },
      },
      { name: 'ci-bot', kind: 'registry' },
    ]);
  });

  test('a push whose rule did not opt into registry events promotes nothing and is logged at info', async () => {
    const before = t.service.callsTo('accept').length;
    const event = pushEvent({ repository: 'payments/api', tag: 'v7' });
    const response = await postDistribution({ events: [event] });
    assert.equal(response.statusCode, 200, response.body);
    const [ignored] = response.json().ignored;
    assert.equal(ignored.event, `${NONPROD_REGISTRY}/payments/api:v7`);
    assert.equal(ignored.code, PromotionErrorCode.TriggerNotAllowed);
    assert.match(ignored.reason, /rule "payments" does not accept the distribution trigger/);
    assert.equal(t.service.callsTo('accept').length, before);
    const line = t.logs
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry['rule'] === 'payments' && entry['event'] === ignored.event);
    assert.ok(line, 'the refusal is logged');
    assert.equal(line['level'], 30, 'at info');
    assert.equal(line['trigger'], 'distribution');
    assert.match(String(line['msg']), /not promoted: the rule does not accept registry events/);
  });

  test('a push the opted-in rule refuses (tag pattern) is ignored with its code, not answered 4xx', async () => {
    const strict = await buildTestApp({
      config: testConfig((raw) => {
        const rules = raw['promotions'] as Record<string, unknown>[];
        raw['promotions'] = rules.map((rule) =>
          rule['name'] === 'team-a' ? { ...rule, tags: 'v[0-9]+' } : rule,
        );
      }),
    });
    try {
      const response = await strict.app.inject({
        method: 'POST',
        url: '/hooks/registry/distribution',
        headers: { 'content-type': DISTRIBUTION_TYPE, authorization: SECRETS.distribution },
        payload: JSON.stringify({ events: [pushEvent({ tag: 'latest' })] }),
      });
      assert.equal(response.statusCode, 200, response.body);
      const [ignored] = response.json().ignored;
      assert.equal(ignored.code, PromotionErrorCode.TagNotAllowed);
      assert.match(ignored.reason, /"latest" is not allowed by rule "team-a"/);
      assert.equal(strict.service.callsTo('accept').length, 0);
    } finally {
      await strict.app.close();
    }
  });

  test('the wrong static header is 401 and nothing is parsed', async () => {
    const before = t.service.callsTo('accept').length;
    for (const authorization of ['Bearer wrong', '']) {
      const response = await postDistribution('{not json', authorization);
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().code, TriggerErrorCode.Unauthorized);
    }
    assert.equal(t.service.callsTo('accept').length, before);
  });

  test('unusable content is answered 2xx (the registry would retry forever) and listed as ignored', async () => {
    const before = t.service.callsTo('accept').length;
    const layer = pushEvent({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' });
    const pull = pushEvent({ action: 'pull' });
    const noRule = pushEvent({ repository: 'team-z/app' });
    const ignoredOnly = await postDistribution({ events: [layer, pull, noRule] });
    assert.equal(ignoredOnly.statusCode, 200, ignoredOnly.body);
    assert.deepEqual(ignoredOnly.json(), {
      promotions: [],
      ignored: [
        {
          event: `${NONPROD_REGISTRY}/team-z/app:v1.0`,
          code: PromotionErrorCode.NoRule,
          reason: 'no promotion rule applies',
        },
      ],
    });

    const malformed = await postDistribution('{"events": [');
    assert.equal(malformed.statusCode, 200);
    assert.equal(malformed.json().ignored[0].code, TriggerErrorCode.MalformedBody);

    const invalid = await postDistribution({ events: [pushEvent({ repository: 'Team-A/App' })] });
    assert.equal(invalid.statusCode, 200);
    assert.equal(invalid.json().ignored[0].code, TriggerErrorCode.InvalidBody);
    assert.equal(t.service.callsTo('accept').length, before);
  });

  test('a redelivered event creates nothing and is listed as already received; a refused one is ignored', async () => {
    const event = pushEvent({ tag: 'dist2' });
    const first = await postDistribution({ events: [event] });
    assert.equal(first.statusCode, 202);
    const promotions = t.service.promotions.size;
    const again = await postDistribution({ events: [event] });
    assert.equal(again.statusCode, 200);
    const [ignored] = again.json().ignored;
    assert.equal(ignored.code, TriggerErrorCode.DuplicateDelivery);
    assert.match(ignored.reason, new RegExp(first.json().promotions[0].promotion.id));
    assert.equal(t.service.promotions.size, promotions);

    t.service.failNext(
      'accept',
      Object.assign(new FerryError('FERRY_E_PROMOTION_TAG', 'tag not allowed'), { status: 422 }),
    );
    const refused = await postDistribution({ events: [pushEvent({ tag: 'dist3' })] });
    assert.equal(refused.statusCode, 200);
    assert.deepEqual(refused.json().ignored[0].code, 'FERRY_E_PROMOTION_TAG');
  });

  test('a temporary failure is 503 so the registry retries; events already accepted are not repeated', async () => {
    const first = pushEvent({ tag: 'dist4' });
    const second = pushEvent({ tag: 'dist5' });
    const accepts = t.service.callsTo('accept').length;
    const original = t.service.accept;
    t.service.accept = wrapFailingSecond(original.bind(t.service));
    try {
      const failed = await postDistribution({ events: [first, second] });
      assert.equal(failed.statusCode, 503, failed.body);
    } finally {
      t.service.accept = original;
    }
    const retried = await postDistribution({ events: [first, second] });
    assert.equal(retried.statusCode, 202, retried.body);
    const body = retried.json();
    assert.equal(body.promotions.length, 1, 'only the event that failed is accepted on the retry');
    assert.equal(body.ignored[0].code, TriggerErrorCode.DuplicateDelivery);
    assert.equal(t.service.callsTo('accept').length, accepts + 3);
  });
});

/** Makes the second call of accept fail once with a temporary error. */
function wrapFailingSecond<T extends (...args: never[]) => Promise<unknown>>(accept: T): T {
  let calls = 0;
  return (async (...args: Parameters<T>) => {
    calls++;
    if (calls === 2) throw new FerryError('FERRY_E_NETWORK', 'registry unreachable', { temporary: true });
    return accept(...args);
  }) as T;
}

describe('POST /hooks/registry/harbor', () => {
  function harborPush(tag: string, occurAt: number) {
    return {
      type: 'PUSH_ARTIFACT',
      occur_at: occurAt,
      operator: 'robot$ci',
      event_data: {
        resources: [{ digest: DIGEST, tag, resource_url: `harbor.internal/team-a/app:${tag}` }],
        repository: { name: 'app', namespace: 'team-a', repo_full_name: 'team-a/app', repo_type: 'private' },
      },
    };
  }

  function postHarbor(body: unknown, authorization: string = SECRETS.harbor) {
    return t.app.inject({
      method: 'POST',
      url: '/hooks/registry/harbor',
      headers: { 'content-type': 'application/json', authorization },
      payload: JSON.stringify(body),
    });
  }

  test('PUSH_ARTIFACT with a tag becomes a promotion; other event types are ignored quietly', async () => {
    const response = await postHarbor(harborPush('harbor1', 1714557600));
    assert.equal(response.statusCode, 202, response.body);
    const [call] = t.service.callsTo('accept').slice(-1);
    const [request] = acceptedView(call);
    assert.deepEqual(
      [request.source, request.tag, request.digest],
      ['nonprod:team-a/app', 'harbor1', DIGEST],
    );
    assert.equal(request.trigger.kind, 'harbor');
    assert.equal(request.trigger.actor, 'robot$ci');

    const pull = await postHarbor({ ...harborPush('harbor1', 1), type: 'PULL_ARTIFACT' });
    assert.deepEqual(pull.json(), { promotions: [], ignored: [] });
  });

  test('the wrong Authorization is 401', async () => {
    const response = await postHarbor(harborPush('harbor2', 1), 'Basic d3Jvbmc6d3Jvbmc=');
    assert.equal(response.statusCode, 401);
  });
});
