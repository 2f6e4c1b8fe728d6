import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkResponse, findRoute } from './response-check.ts';

const json = 'application/json; charset=utf-8';

test('an answer that follows its route and status passes', () => {
  const body = JSON.stringify({ status: 'ok', version: '1.0.0' });
  assert.equal(
    checkResponse({ method: 'GET', route: '/healthz', status: 200, contentType: json, body }),
    undefined,
  );
});

test('a missing field, an extra field or a wrong type is named', () => {
  const missing = checkResponse({
    method: 'GET',
    route: '/healthz',
    status: 200,
    contentType: json,
    body: JSON.stringify({ status: 'ok' }),
  });
  assert.match(String(missing), /GET \/healthz 200: version/);
  const extra = checkResponse({
    method: 'GET',
    route: '/readyz',
    status: 200,
    contentType: json,
    body: JSON.stringify({ status: 'ready', uptime: 3 }),
  });
  assert.match(String(extra), /uptime/);
  const page = checkResponse({
    method: 'GET',
    route: '/api/v1/promotions',
    status: 200,
    contentType: json,
    body: JSON.stringify({ promotions: [{ id: 1 }], nextCursor: null }),
  });
  assert.match(String(page), /promotions\.0/);
});

test('a status the route does not declare, or another content type, is refused', () => {
  const body = JSON.stringify({ code: 'FERRY_E_X', message: 'm' });
  assert.match(
    String(checkResponse({ method: 'GET', route: '/healthz', status: 418, contentType: json, body })),
    /status 418 is not declared/,
  );
  assert.match(
    String(checkResponse({ method: 'GET', route: '/readyz', status: 503, contentType: 'text/plain', body })),
    /Content-Type text\/plain, expected application\/json/,
  );
  assert.equal(
    checkResponse({
      method: 'GET',
      route: '/metrics',
      status: 200,
      contentType: 'text/plain; version=0.0.4',
      body: '# x',
    }),
    undefined,
  );
});

test('Fastify route patterns map onto the contract; unknown routes are refused; unmatched requests answer errors', () => {
  assert.equal(findRoute('POST', '/api/v1/promotions/:id/approve')?.operationId, 'approvePromotion');
  assert.equal(findRoute('GET', '/api/v1/releases/*')?.operationId, 'getRelease');
  assert.equal(findRoute('DELETE', '/api/v1/promotions/:id'), undefined);
  const error = JSON.stringify({ code: 'FERRY_E_NOT_FOUND', message: 'no such endpoint' });
  assert.match(
    String(checkResponse({ method: 'GET', route: '/api/v2/x', status: 200, contentType: json, body: '{}' })),
    /not in the contract/,
  );
  assert.equal(
    checkResponse({ method: 'GET', route: undefined, status: 404, contentType: json, body: error }),
    undefined,
  );
  assert.match(
    String(
      checkResponse({ method: 'GET', route: undefined, status: 404, contentType: json, body: '{"error":1}' }),
    ),
    /code/,
  );
  assert.equal(
    checkResponse({ method: 'HEAD', route: '/healthz', status: 200, contentType: json, body: '' }),
    undefined,
  );
});
