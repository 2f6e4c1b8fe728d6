import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { ApiErrorCode } from '../../api/api-error-codes.ts';
import { TriggerErrorCode } from '../../api/trigger-error.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import { PromotionErrorCode } from '../promote/promotion-error.ts';
import { HttpErrorCode } from './errors.ts';
import { acceptedView, bearer, buildTestApp, COMMIT, type TestApp, TOKENS } from './http-fixture.ts';

type Role = keyof typeof TOKENS;

let t: TestApp;

before(async () => {
  t = await buildTestApp();
});

after(async () => {
  await t.app.close();
});

const restBody = (overrides: Record<string, unknown> = {}) => ({
  source: { environment: 'nonprod', repository: 'team-a/app', tag: COMMIT },
  destination: { environment: 'prod' },
  ...overrides,
});

function post(url: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}) {
  const options: InjectOptions = {
    method: 'POST',
    url,
    headers: { ...(token === undefined ? {} : bearer(token)), ...headers },
  };
  if (body !== undefined) {
    options.payload = typeof body === 'string' ? body : JSON.stringify(body);
    options.headers = { 'content-type': 'application/json', ...options.headers };
  }
  return t.app.inject(options);
}

function assertError(
  response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
  code: string,
) {
  assert.equal(response.statusCode, status, JSON.stringify(response.json()));
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const body = response.json() as { code: string; message: string; stack?: unknown };
  assert.equal(body.code, code);
  assert.equal(typeof body.message, 'string');
  assert.equal(body.stack, undefined);
  return body;
}

describe('authentication and roles on every API route', () => {
  const id = '0190f0a0-0000-7000-8000-00000000aaaa';
  before(() => {
    t.service.add({ id, status: 'awaiting_approval' });
  });

  const routes: { method: 'GET' | 'POST'; url: string; allowed: Role[]; denied: Role[] }[] = [
    {
      method: 'POST',
      url: '/api/v1/promotions',
      allowed: ['promoter', 'admin'],
      denied: ['viewer', 'approver'],
    },
    {
      method: 'GET',
      url: '/api/v1/promotions',
      allowed: ['viewer', 'promoter', 'approver', 'admin'],
      denied: [],
    },
    { method: 'GET', url: `/api/v1/promotions/${id}`, allowed: ['viewer', 'admin'], denied: [] },
    { method: 'GET', url: `/api/v1/promotions/${id}/events`, allowed: [], denied: [] },
    { method: 'GET', url: '/api/v1/events', allowed: [], denied: [] },
    { method: 'GET', url: '/api/v1/rules', allowed: ['viewer', 'promoter', 'approver', 'admin'], denied: [] },
    { method: 'GET', url: '/api/v1/audit', allowed: ['viewer', 'approver'], denied: [] },
    { method: 'GET', url: '/api/v1/audit?format=csv', allowed: ['viewer'], denied: [] },
    {
      method: 'POST',
      url: `/api/v1/promotions/${id}/approve`,
      allowed: ['approver'],
      denied: ['viewer', 'promoter'],
    },
    {
      method: 'POST',
      url: `/api/v1/promotions/${id}/reject`,
      allowed: ['admin'],
      denied: ['viewer', 'promoter'],
    },
    {
      method: 'POST',
      url: `/api/v1/promotions/${id}/cancel`,
      allowed: ['promoter'],
      denied: ['viewer', 'approver'],
    },
    {
      method: 'POST',
      url: `/api/v1/promotions/${id}/rerun`,
      allowed: ['promoter'],
      denied: ['viewer', 'approver'],
    },
    {
      method: 'POST',
      url: `/api/v1/promotions/${id}/rollback`,
      allowed: ['admin'],
      denied: ['viewer', 'approver'],
    },
  ];

  for (const route of routes) {
    test(`${route.method} ${route.url.replace(id, ':id')}`, async () => {
      const before = t.service.calls.length;
      const body = route.method === 'POST' && route.url.endsWith('promotions') ? restBody() : undefined;
      for (const headers of [{}, bearer('not-a-token'), { authorization: `Basic ${TOKENS.admin}` }]) {
        const response = await t.app.inject({ method: route.method, url: route.url, headers });
        const error = assertError(response, 401, ApiErrorCode.Unauthorized);
        assert.equal(response.headers['www-authenticate'], 'Bearer realm="ferry"');
        assert.doesNotMatch(error.message, /not-a-token/);
      }
      for (const role of route.denied) {
        const response = await t.app.inject({
          method: route.method,
          url: route.url,
          headers: bearer(TOKENS[role]),
          ...(body === undefined ? {} : { payload: body }),
        });
        assertError(response, 403, ApiErrorCode.Forbidden);
      }
      assert.equal(t.service.calls.length, before, 'refused requests never reach the service');
      for (const role of route.allowed) {
        const response = await t.app.inject({
          method: route.method,
          url: route.url,
          headers: bearer(TOKENS[role]),
          ...(body === undefined ? {} : { payload: body }),
        });
        assert.ok(response.statusCode < 300, `${role}: ${response.statusCode} ${response.body}`);
      }
    });
  }
});

describe('POST /api/v1/promotions', () => {
  test('202 with the promotion, its URL and Location; 200 for the same promotion again', async () => {
    const body = restBody({ source: { environment: 'nonprod', repository: 'team-a/new', tag: 'v2' } });
    const first = await post('/api/v1/promotions', TOKENS.promoter, body);
    assert.equal(first.statusCode, 202, first.body);
    const accepted = first.json();
    assert.equal(accepted.created, true);
    assert.equal(accepted.promotion.rule, 'team-a');
    assert.equal(accepted.url, `https://ferry.example.com/api/v1/promotions/${accepted.promotion.id}`);
    assert.equal(first.headers.location, accepted.url);
    const [call] = t.service.callsTo('accept').slice(-1);
    assert.deepEqual(acceptedView(call), [
      {
        rule: 'team-a',
        source: 'nonprod:team-a/new',
        destination: 'prod:team-a/new',
        tag: 'v2',
        trigger: { kind: 'api', actor: 'jenkins' },
      },
      { name: 'jenkins', kind: 'token' },
    ]);

    const again = await post('/api/v1/promotions', TOKENS.promoter, body);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().created, false);
    assert.equal(again.json().promotion.id, accepted.promotion.id);
  });

  test('4xx JSON and no accept for bad bodies, bad references and unmatched sources', async () => {
    const cases: {
      body: unknown;
      headers?: Record<string, string>;
      status: number;
      code: string;
      message?: RegExp;
    }[] = [
      {
        body: '{"source": ',
        status: 400,
        code: TriggerErrorCode.MalformedBody,
        message: /not valid JSON at line 1, column 12/,
      },
      { body: '', status: 400, code: TriggerErrorCode.MalformedBody },
      {
        body: 'source: {repository: x}',
        headers: { 'content-type': 'application/yaml' },
        status: 415,
        code: TriggerErrorCode.UnsupportedMediaType,
      },
      {
        body: 'x',
        headers: { 'content-type': 'text/plain' },
        status: 415,
        code: TriggerErrorCode.UnsupportedMediaType,
      },
      {
        body: restBody({ source: { environment: 'nonprod', repository: 'Team-A/App', tag: 'v1' } }),
        status: 400,
        code: TriggerErrorCode.InvalidBody,
        message: /Team-A\/App/,
      },
      {
        body: restBody({ source: { environment: 'nonprod', repository: 'team-a/app', tag: 'v1;rm -rf /' } }),
        status: 400,
        code: TriggerErrorCode.InvalidBody,
      },
      {
        body: restBody({ destnation: {} }),
        status: 400,
        code: TriggerErrorCode.InvalidBody,
        message: /destnation/,
      },
      {
        body: restBody({ source: { environment: 'nonprod', repository: 'team-z/app', tag: 'v1' } }),
        status: 404,
        code: PromotionErrorCode.NoRule,
        message: /nonprod:team-z\/app/,
      },
      {
        body: restBody({ source: { environment: 'staging', repository: 'team-a/app', tag: 'v1' } }),
        status: 404,
        code: PromotionErrorCode.NoRule,
      },
      {
        body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }),
        status: 413,
        code: TriggerErrorCode.BodyTooLarge,
      },
    ];
    const before = t.service.callsTo('accept').length;
    for (const c of cases) {
      const response = await post('/api/v1/promotions', TOKENS.promoter, c.body, c.headers);
      const error = assertError(response, c.status, c.code);
      if (c.message !== undefined) assert.match(error.message, c.message);
    }
    const missingType = await t.app.inject({
      method: 'POST',
      url: '/api/v1/promotions',
      headers: bearer(TOKENS.promoter),
      payload: Buffer.from(JSON.stringify(restBody())),
    });
    assertError(missingType, 415, TriggerErrorCode.UnsupportedMediaType);
    assert.equal(t.service.callsTo('accept').length, before);
  });

  test('a token scoped to other rules is refused with 403 once the rule is known', async () => {
    const before = t.service.callsTo('accept').length;
    const refused = await post('/api/v1/promotions', TOKENS.paymentsOnly, restBody());
    const error = assertError(refused, 403, ApiErrorCode.Forbidden);
    assert.match(error.message, /payments-ci.*team-a/);
    assert.equal(t.service.callsTo('accept').length, before);
    const allowed = await post(
      '/api/v1/promotions',
      TOKENS.paymentsOnly,
      restBody({ source: { environment: 'nonprod', repository: 'payments/api', tag: 'v1' } }),
    );
    assert.equal(allowed.statusCode, 202);
  });

  test('errors from the service keep their status; unknown ones are a bare 500', async () => {
    const promotionError = Object.assign(
      new FerryError('FERRY_E_PROMOTION_TAG_NOT_ALLOWED', 'tag "x" is not allowed'),
      {
        status: 422,
      },
    );
    t.service.failNext('accept', promotionError);
    const refused = await post('/api/v1/promotions', TOKENS.promoter, restBody());
    assert.deepEqual(assertError(refused, 422, 'FERRY_E_PROMOTION_TAG_NOT_ALLOWED'), {
      code: 'FERRY_E_PROMOTION_TAG_NOT_ALLOWED',
      message: 'tag "x" is not allowed',
    });

    t.service.failNext('accept', new Error('secret-bearing internal detail at /var/run/x'));
    const broken = await post('/api/v1/promotions', TOKENS.promoter, restBody());
    const body = assertError(broken, 500, HttpErrorCode.Internal);
    assert.doesNotMatch(broken.body, /internal detail|\/var\/run|at .*\.ts/);
    assert.match(body.message, /request [0-9a-f-]{36}/);

    t.service.failNext('accept', new FerryError('FERRY_E_STORE_UNAVAILABLE', 'db down', { temporary: true }));
    assertError(
      await post('/api/v1/promotions', TOKENS.promoter, restBody()),
      503,
      HttpErrorCode.Unavailable,
    );
  });

  test('404 when the API trigger is disabled', async () => {
    const { testConfig } = await import('./http-fixture.ts');
    const disabled = await buildTestApp({
      config: testConfig((raw) => {
        (raw['triggers'] as Record<string, unknown>)['api'] = { enabled: false };
      }),
    });
    try {
      const response = await disabled.app.inject({
        method: 'POST',
        url: '/api/v1/promotions',
        headers: { ...bearer(TOKENS.admin), 'content-type': 'application/json' },
        payload: JSON.stringify(restBody()),
      });
      assertError(response, 404, HttpErrorCode.NotFound);
      const list = await disabled.app.inject({ url: '/api/v1/promotions', headers: bearer(TOKENS.viewer) });
      assert.equal(list.statusCode, 200, 'reading stays available');
    } finally {
      await disabled.app.close();
    }
  });
});

describe('GET /api/v1/promotions and /:id', () => {
  test('filters are validated and passed on; the page comes back with nextCursor', async () => {
    const response = await t.app.inject({
      url: `/api/v1/promotions?repository=team-a/app&environment=prod&status=queued&digest=sha256:${'0'.repeat(64)}&limit=10&cursor=cDoxMg`,
      headers: bearer(TOKENS.viewer),
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.ok(Array.isArray(body.promotions));
    assert.equal(body.nextCursor, null);
    const [call] = t.service.callsTo('list').slice(-1);
    assert.deepEqual(call?.args[0], {
      repository: 'team-a/app',
      environment: 'prod',
      status: ['queued'],
      digest: `sha256:${'0'.repeat(64)}`,
      limit: 10,
      cursor: 'cDoxMg',
    });
  });

  test('tag, rule, requester and time range filters reach the service as typed values', async () => {
    const response = await t.app.inject({
      url: '/api/v1/promotions?tag=v1.2&rule=team-a&requestedBy=standard-webhooks%231&createdAfter=2026-12-01T00:00:00Z&createdBefore=2026-12-07T12:00:00%2B01:00',
      headers: bearer(TOKENS.viewer),
    });
    assert.equal(response.statusCode, 200, response.body);
    const [call] = t.service.callsTo('list').slice(-1);
    assert.deepEqual(call?.args[0], {
      tag: 'v1.2',
      rule: 'team-a',
      requestedBy: 'standard-webhooks#1',
      createdAfter: new Date('2026-12-01T00:00:00Z'),
      createdBefore: new Date('2026-12-07T11:00:00Z'),
    });
  });

  test('several statuses, trigger, kind, requester text and q reach the service as typed values', async () => {
    const response = await t.app.inject({
      url: '/api/v1/promotions?status=failed&status=cancelled&status=failed&trigger=standard-webhook&kind=rerun&requester=Alice&q=3f7868',
      headers: bearer(TOKENS.viewer),
    });
    assert.equal(response.statusCode, 200, response.body);
    const [call] = t.service.callsTo('list').slice(-1);
    assert.deepEqual(call?.args[0], {
      status: ['failed', 'cancelled'],
      trigger: 'standard-webhook',
      kind: 'rerun',
      requester: 'Alice',
      q: '3f7868',
    });
  });

  test('list entries and the detail show the approvals received and who gave them, when', async () => {
    const promotion = t.service.add({ status: 'awaiting_approval', approvalsRequired: 2 });
    const approved = await post(`/api/v1/promotions/${promotion.id}/approve`, TOKENS.approver, {
      comment: 'fine',
    });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(approved.json().promotion.approvalsReceived, 1);
    const list = await t.app.inject({ url: '/api/v1/promotions', headers: bearer(TOKENS.viewer) });
    const entry = list.json().promotions.find((p: { id: string }) => p.id === promotion.id);
    assert.equal(entry.approvalsRequired, 2);
    assert.equal(entry.approvalsReceived, 1);
    assert.equal(entry.approvals.length, 1);
    assert.equal(entry.approvals[0].approver, 'alice');
    assert.equal(entry.approvals[0].decision, 'approve');
    assert.equal(entry.approvals[0].comment, 'fine');
    assert.ok(!Number.isNaN(Date.parse(entry.approvals[0].at)));
    const detail = await t.app.inject({
      url: `/api/v1/promotions/${promotion.id}`,
      headers: bearer(TOKENS.viewer),
    });
    assert.deepEqual(detail.json().promotion.approvals, entry.approvals);
  });

  test('bad filters are 400 naming the parameter, before the service is asked', async () => {
    const before = t.service.callsTo('list').length;
    for (const [query, field] of [
      ['status=done', 'status'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=ten', 'limit'],
      ['digest=sha256:xyz', 'digest'],
      ['repository=Team/App', 'repository'],
      ['status=queued&status=done', 'status'],
      ['trigger=webhook', 'trigger'],
      ['kind=revert', 'kind'],
      ['q=', 'q'],
      ['q=tab%09here', 'q'],
      [`q=${'x'.repeat(201)}`, 'q'],
      ['requester=', 'requester'],
      ['tag=v1&tag=v2', 'tag'],
      ['cursor=a%20b', 'cursor'],
      ['tag=a/b', 'tag'],
      ['createdAfter=yesterday', 'createdAfter'],
      ['createdBefore=2026-12-07', 'createdBefore'],
      ['rule=', 'rule'],
    ] as const) {
      const response = await t.app.inject({
        url: `/api/v1/promotions?${query}`,
        headers: bearer(TOKENS.viewer),
      });
      const error = assertError(response, 400, HttpErrorCode.BadRequest);
      assert.deepEqual((error as { fields?: string[] }).fields, [field], query);
      assert.match(error.message, new RegExp(`query parameter "${field}"`), query);
    }
    const unknown = await t.app.inject({ url: '/api/v1/promotions?app=x', headers: bearer(TOKENS.viewer) });
    const error = assertError(unknown, 400, HttpErrorCode.BadRequest);
    assert.deepEqual((error as { fields?: string[] }).fields, ['app']);
    assert.match(error.message, /unknown query parameter "app" \(known: repository, environment, tag,/);
    assert.equal(t.service.callsTo('list').length, before);
  });

  test('one promotion with its timeline; unknown and malformed ids are 404 JSON', async () => {
    const promotion = t.service.add();
    const response = await t.app.inject({
      url: `/api/v1/promotions/${promotion.id}`,
      headers: bearer(TOKENS.viewer),
    });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.promotion.id, promotion.id);
    assert.equal(body.promotion.createdAt, '2024-05-01T10:00:00.000Z');
    assert.equal(body.timeline[0].kind, 'accepted');

    for (const id of ['0190f0a0-0000-7000-8000-999999999999', '..%2F..%2Fetc', 'x'.repeat(65)]) {
      const missing = await t.app.inject({ url: `/api/v1/promotions/${id}`, headers: bearer(TOKENS.viewer) });
      assertError(missing, 404, HttpErrorCode.NotFound);
    }
  });
});

describe('promotion actions', () => {
  test('approve and reject pass the approver and comment; a bad comment body is 400 first', async () => {
    const promotion = t.service.add({ status: 'awaiting_approval' });
    const url = `/api/v1/promotions/${promotion.id}`;
    const approved = await post(`${url}/approve`, TOKENS.approver, { comment: 'LGTM' });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(approved.json().url, `https://ferry.example.com${url}`);
    assert.deepEqual(t.service.callsTo('approve').at(-1)?.args, [
      promotion.id,
      { name: 'alice', kind: 'token' },
      'LGTM',
    ]);

    const noBody = await post(`${url}/approve`, TOKENS.admin);
    assert.equal(noBody.statusCode, 200);
    assert.deepEqual(t.service.callsTo('approve').at(-1)?.args, [
      promotion.id,
      { name: 'carol', kind: 'token' },
      undefined,
    ]);

    const before = t.service.callsTo('reject').length;
    assertError(
      await post(`${url}/reject`, TOKENS.approver, { comment: 1 }),
      400,
      TriggerErrorCode.InvalidBody,
    );
    assertError(
      await post(`${url}/reject`, TOKENS.approver, { reason: 'no' }),
      400,
      TriggerErrorCode.InvalidBody,
    );
    assertError(await post(`${url}/reject`, TOKENS.approver, '{'), 400, TriggerErrorCode.MalformedBody);
    assert.equal(t.service.callsTo('reject').length, before);

    const rejected = await post(`${url}/reject`, TOKENS.approver, { comment: 'not now' });
    assert.equal(rejected.json().promotion.status, 'rejected');
  });

  test('cancel, rerun and rollback; rerun/rollback answer 202 with the new promotion', async () => {
    const promotion = t.service.add({ status: 'failed' });
    const url = `/api/v1/promotions/${promotion.id}`;
    const rerun = await post(`${url}/rerun`, TOKENS.promoter);
    assert.equal(rerun.statusCode, 202);
    assert.equal(rerun.json().promotion.rerunOf, promotion.id);
    assert.equal(rerun.headers.location, rerun.json().url);
    const rollback = await post(`${url}/rollback`, TOKENS.promoter);
    assert.equal(rollback.statusCode, 202);
    assert.equal(rollback.json().promotion.rollbackOf, promotion.id);
    const cancelled = await post(`${url}/cancel`, TOKENS.promoter);
    assert.equal(cancelled.statusCode, 200);
    assert.equal(cancelled.json().promotion.status, 'cancelled');
  });

  test('a promoter cancels only promotions it requested; cancelling anyone else’s needs admin', async () => {
    const own = t.service.add({ status: 'queued', requestedBy: 'jenkins' });
    const others = t.service.add({ status: 'queued', requestedBy: 'payments-ci' });
    const webhook = t.service.add({ status: 'awaiting_approval', requestedBy: 'standard-webhooks#1' });
    const before = t.service.callsTo('cancel').length;
    for (const promotion of [others, webhook]) {
      const refused = await post(`/api/v1/promotions/${promotion.id}/cancel`, TOKENS.promoter);
      const error = assertError(refused, 403, ApiErrorCode.Forbidden);
      assert.match(error.message, /may cancel only promotions it requested/);
      assert.match(error.message, /needs role admin/);
    }
    assert.equal(t.service.callsTo('cancel').length, before, 'refused before the service');
    assert.equal((await post(`/api/v1/promotions/${own.id}/cancel`, TOKENS.promoter)).statusCode, 200);
    for (const promotion of [others, webhook]) {
      const cancelled = await post(`/api/v1/promotions/${promotion.id}/cancel`, TOKENS.admin);
      assert.equal(cancelled.statusCode, 200, cancelled.body);
      assert.equal(cancelled.json().promotion.status, 'cancelled');
    }
  });

  test("actions check the token's rule scope against the promotion's rule; unknown ids are 404", async () => {
    const promotion = t.service.add({ status: 'queued' });
    const before = t.service.callsTo('cancel').length;
    const refused = await post(`/api/v1/promotions/${promotion.id}/cancel`, TOKENS.paymentsOnly);
    assertError(refused, 403, ApiErrorCode.Forbidden);
    const missing = await post(
      '/api/v1/promotions/0190f0a0-0000-7000-8000-999999999999/cancel',
      TOKENS.promoter,
    );
    assertError(missing, 404, HttpErrorCode.NotFound);
    assert.equal(t.service.callsTo('cancel').length, before);
  });

  test('a state conflict from the service is its own 409', async () => {
    const promotion = t.service.add({ status: 'succeeded' });
    t.service.failNext(
      'cancel',
      Object.assign(
        new FerryError(
          'FERRY_E_PROMOTION_STATE',
          'promotion is succeeded; only in-flight ones can be cancelled',
        ),
        {
          status: 409,
        },
      ),
    );
    const response = await post(`/api/v1/promotions/${promotion.id}/cancel`, TOKENS.admin);
    assertError(response, 409, 'FERRY_E_PROMOTION_STATE');
  });
});

test('unknown routes and methods are 404 JSON; a bad URL is 400 JSON', async () => {
  assertError(await t.app.inject({ url: '/nope' }), 404, HttpErrorCode.NotFound);
  assertError(
    await t.app.inject({ method: 'DELETE', url: '/api/v1/promotions' }),
    404,
    HttpErrorCode.NotFound,
  );
  const bad = await t.app.inject({ url: '/hooks/openshift/se%ZZcret/generic' });
  assertError(bad, 400, HttpErrorCode.BadRequest);
  assert.doesNotMatch(bad.body, /se%ZZcret/);
});
