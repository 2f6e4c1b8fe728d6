import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fastify } from 'fastify';
import { signGithubPayload } from '../triggers/github-signature.ts';
import { createHttpApp } from './create-http-app.ts';
import {
  bearer,
  buildTestApp,
  FakePromotionService,
  SECRETS,
  SEED_BODY,
  standardWebhook,
  type TestApp,
  TOKENS,
  testConfig,
  triggerBody,
} from './http-fixture.ts';
import { redactUrl } from './logging.ts';
import { createMetrics } from './metrics.ts';

/** Every credential value a request below sends, in the forms a careless log line could contain. */
const SENSITIVE = [
  ...Object.values(TOKENS),
  SECRETS.standard,
  SECRETS.standard.slice('whsec_'.length),
  SECRETS.github,
  SECRETS.openshift,
  SECRETS.distribution,
  SECRETS.distribution.slice('Bearer '.length),
  SECRETS.harbor.slice('Basic '.length),
  'session=cookie-value-4b1d',
  'wrong-openshift-secret-9f8e',
  'query-token-2c4e',
];

/** Sends a request through every kind of credential, valid and not, and returns the signatures used. */
async function exercise(t: TestApp): Promise<string[]> {
  const signatures: string[] = [];
  const { app } = t;
  const json = { 'content-type': 'application/json' };
  for (const token of Object.values(TOKENS)) {
    await app.inject({
      url: '/api/v1/promotions',
      headers: { ...bearer(token), cookie: 'session=cookie-value-4b1d' },
    });
    await app.inject({
      method: 'POST',
      url: '/api/v1/promotions',
      headers: { ...bearer(token), ...json },
      payload: JSON.stringify({ source: { environment: 'nonprod', repository: 'team-a/app', tag: 'v9' } }),
    });
  }
  const signed = standardWebhook(triggerBody({ tag: 'logged1' }));
  signatures.push(signed.headers['webhook-signature'] ?? '');
  await app.inject({
    method: 'POST',
    url: '/hooks/standard',
    headers: signed.headers,
    payload: signed.payload,
  });
  await app.inject({
    method: 'POST',
    url: '/hooks/standard',
    headers: signed.headers,
    payload: signed.payload,
  });
  const wrong = standardWebhook(triggerBody(), { secret: 'whsec_b3RoZXI=' });
  signatures.push(wrong.headers['webhook-signature'] ?? '');
  await app.inject({
    method: 'POST',
    url: '/hooks/standard',
    headers: wrong.headers,
    payload: wrong.payload,
  });

  const body = JSON.stringify(triggerBody({ tag: 'logged2' }));
  const hub = signGithubPayload(SECRETS.github, body);
  signatures.push(hub.slice('sha256='.length));
  await app.inject({
    method: 'POST',
    url: '/hooks/github',
    headers: { ...json, 'x-hub-signature-256': hub },
    payload: body,
  });

  for (const secret of [SECRETS.openshift, 'wrong-openshift-secret-9f8e']) {
    for (const url of [
      `/hooks/openshift/${secret}/generic`,
      `/oapi/v1/namespaces/myproject-prod/buildconfigs/production-pipeline/webhooks/${secret}/generic`,
      `/hooks/openshift/${secret}/generic?token=query-token-2c4e`,
      `/hooks/openshift/${secret}/typo`,
      `/oapi/v1/namespaces/p/buildconfigs/b/webhooks/${secret}/typo`,
    ]) {
      await app.inject({ method: 'POST', url, headers: json, payload: SEED_BODY });
    }
  }
  for (const [url, authorization] of [
    ['/hooks/registry/distribution', SECRETS.distribution],
    ['/hooks/registry/harbor', SECRETS.harbor],
    ['/hooks/registry/harbor', 'Bearer wrong-openshift-secret-9f8e'],
  ] as const) {
    await app.inject({ method: 'POST', url, headers: { ...json, authorization }, payload: '{"events": []}' });
  }
  // A careless log call that dumps headers is censored too.
  app.log.info(
    {
      req: { headers: { authorization: bearer(TOKENS.admin).authorization } },
      headers: { cookie: 'session=cookie-value-4b1d' },
    },
    'dump',
  );
  return signatures;
}

function assertClean(logs: readonly string[], signatures: readonly string[]): void {
  assert.ok(logs.length > 40, `expected plenty of log lines, got ${logs.length}`);
  const text = logs.join('');
  for (const value of [...SENSITIVE, ...signatures]) {
    assert.ok(!text.includes(value), `log output contains ${value.slice(0, 12)}…`);
  }
}

describe('logs never contain tokens, secrets or signatures', () => {
  test('with a logger the app creates', async () => {
    const t = await buildTestApp();
    try {
      const signatures = await exercise(t);
      assertClean(t.logs, signatures);
      const lines = t.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
      const openshift = lines.find(
        (line) =>
          (line['req'] as { route?: string } | undefined)?.route === '/hooks/openshift/:secret/generic',
      );
      assert.deepEqual(
        (openshift?.['req'] as { url?: string } | undefined)?.url,
        '/hooks/openshift/[redacted]/generic',
      );
      const accepted = lines.filter((line) => line['msg'] === 'promotion requested');
      assert.ok(accepted.length >= 3);
      for (const line of accepted) assert.match(String(line['promotionId']), /^0190f0a0-/);
      const completed = lines.filter(
        (line) =>
          line['msg'] === 'request completed' && (line['res'] as { statusCode: number }).statusCode === 202,
      );
      assert.ok(completed.length >= 3);
      for (const line of completed)
        assert.ok(line['promotionId'], 'the request line of an accepted promotion carries its id');
      const dump = lines.find((line) => line['msg'] === 'dump');
      assert.deepEqual(dump?.['headers'], { cookie: '[redacted]' });
    } finally {
      await t.app.close();
    }
  });

  test("with the composition root's own pino logger", async () => {
    const logs: string[] = [];
    const root = fastify({
      logger: { level: 'debug', stream: { write: (line: string) => logs.push(line) } },
    }).log;
    const config = testConfig();
    const app = createHttpApp({
      config,
      service: new FakePromotionService(config),
      logger: root,
      metrics: createMetrics(),
      version: 'test',
      ready: () => ({ ready: true }),
      env: {},
    });
    try {
      const signatures = await exercise({
        app,
        config,
        logs,
        metrics: createMetrics(),
        service: new FakePromotionService(config),
      });
      assertClean(logs, signatures);
      assert.ok(logs.every((line) => JSON.parse(line).component === 'http'));
    } finally {
      await app.close();
    }
  });
});

test('redactUrl hides the secret segment of both OpenShift URL shapes and query values', () => {
  assert.equal(redactUrl('/hooks/openshift/s3cret/generic'), '/hooks/openshift/[redacted]/generic');
  assert.equal(redactUrl('//hooks/OpenShift/s3cret'), '//hooks/OpenShift/[redacted]');
  assert.equal(
    redactUrl('/oapi/v1/namespaces/ns/buildconfigs/bc/webhooks/s3cret/generic'),
    '/oapi/v1/namespaces/ns/buildconfigs/bc/webhooks/[redacted]/generic',
  );
  assert.equal(
    redactUrl('/api/v1/promotions?status=failed&token=abc&x'),
    '/api/v1/promotions?status=…&token=…&x=…',
  );
  assert.equal(redactUrl('/api/v1/promotions?'), '/api/v1/promotions');
});
