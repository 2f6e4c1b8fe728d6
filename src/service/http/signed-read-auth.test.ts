import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signedReadHeaders } from '../../api/signed-read.ts';
import { signStandardWebhook } from '../../api/standard-webhooks.ts';
import { bearer, buildTestApp, SECRETS, type TestApp, TOKENS, testConfig } from './http-fixture.ts';

let t: TestApp;
const path = (id: string) => `/api/v1/promotions/${id}`;

before(async () => {
  t = await buildTestApp();
});
after(async () => {
  await t.app.close();
});

function read(id: string, headers: Record<string, string>) {
  return t.app.inject({ method: 'GET', url: path(id), headers });
}

function errorOf(response: { statusCode: number; json(): unknown }) {
  const body = response.json() as { code: string; message: string };
  return { status: response.statusCode, code: body.code, message: body.message };
}

describe('GET /api/v1/promotions/:id with a read signed by the Standard Webhooks secret', () => {
  test('a promotion requested through the Standard Webhooks trigger is readable', async () => {
    const p = t.service.add({ triggerKind: 'standard-webhook', requestedBy: 'standard-webhooks#1' });
    const res = await read(p.id, signedReadHeaders(SECRETS.standard, 'GET', path(p.id), new Date()));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((res.json() as { promotion: { id: string } }).promotion.id, p.id);
  });

  test('promotions from other triggers are refused (403): a webhook secret follows only what it requests', async () => {
    for (const triggerKind of ['api', 'openshift', 'github', 'distribution'] as const) {
      const p = t.service.add({ triggerKind });
      const res = await read(p.id, signedReadHeaders(SECRETS.standard, 'GET', path(p.id), new Date()));
      const error = errorOf(res);
      assert.equal(error.status, 403, triggerKind);
      assert.equal(error.code, 'FERRY_E_API_FORBIDDEN');
      assert.match(error.message, /API token/);
      assert.doesNotMatch(res.body, new RegExp(p.id));
    }
  });

  test('a signature for another path, a wrong secret, or a stale timestamp → 401, nothing read', async () => {
    const p = t.service.add({ triggerKind: 'standard-webhook' });
    const other = t.service.add({ triggerKind: 'standard-webhook' });
    const cases = {
      'signed for another promotion': signedReadHeaders(SECRETS.standard, 'GET', path(other.id), new Date()),
      'signed with another secret': signedReadHeaders(
        'whsec_b3RoZXItc2VjcmV0',
        'GET',
        path(p.id),
        new Date(),
      ),
      'signed ten minutes ago': signedReadHeaders(
        SECRETS.standard,
        'GET',
        path(p.id),
        new Date(Date.now() - 600_000),
      ),
    };
    for (const [label, headers] of Object.entries(cases)) {
      const error = errorOf(await read(p.id, headers));
      assert.equal(error.status, 401, label);
      assert.match(error.code, /^FERRY_E_TRIGGER_/, label);
    }
  });

  test("a delivery's signature (over a JSON body) does not authorise a read", async () => {
    const p = t.service.add({ triggerKind: 'standard-webhook' });
    const id = 'msg_delivery';
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signStandardWebhook(
        SECRETS.standard,
        id,
        timestamp,
        '{"type":"promotion.requested"}',
      ),
    };
    assert.equal((await read(p.id, headers)).statusCode, 401);
  });

  test('an Authorization header makes it a token request, judged as one', async () => {
    const p = t.service.add({ triggerKind: 'openshift' });
    const signed = signedReadHeaders(SECRETS.standard, 'GET', path(p.id), new Date());
    assert.equal((await read(p.id, { ...signed, ...bearer(TOKENS.viewer) })).statusCode, 200);
    assert.equal((await read(p.id, { ...signed, ...bearer('not-a-token') })).statusCode, 401);
  });

  test('other routes do not take read signatures', async () => {
    const p = t.service.add({ triggerKind: 'standard-webhook' });
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/promotions',
      headers: signedReadHeaders(SECRETS.standard, 'GET', '/api/v1/promotions', new Date()),
    });
    assert.equal(list.statusCode, 401);
    const cancel = await t.app.inject({
      method: 'POST',
      url: `${path(p.id)}/cancel`,
      headers: signedReadHeaders(SECRETS.standard, 'POST', `${path(p.id)}/cancel`, new Date()),
    });
    assert.equal(cancel.statusCode, 401);
  });
});

test('with the Standard Webhooks trigger disabled, a signed read is answered as a missing token', async () => {
  const app = await buildTestApp({
    config: testConfig((raw) => {
      (raw['triggers'] as Record<string, unknown>)['standardWebhooks'] = { enabled: false };
    }),
  });
  try {
    const p = app.service.add({ triggerKind: 'standard-webhook' });
    const res = await app.app.inject({
      method: 'GET',
      url: path(p.id),
      headers: signedReadHeaders(SECRETS.standard, 'GET', path(p.id), new Date()),
    });
    assert.equal(res.statusCode, 401);
    assert.match(res.body, /API token is required/);
  } finally {
    await app.app.close();
  }
});
