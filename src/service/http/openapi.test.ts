import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildOpenApiDocument, type OpenApiDocument } from '../../api/openapi.ts';
import { ROUTE_ALIASES } from '../../api/response-check.ts';
import { REQUEST_EXAMPLES } from '../../api/routes.ts';
import { OPENSHIFT_BODY_FORMATS, parseOpenShiftGenericBody } from '../triggers/openshift-generic.ts';
import { parseBody } from '../triggers/parse-body.ts';
import { parseRestPromotionBody } from '../triggers/rest-body.ts';
import { parseStandardWebhookBody } from '../triggers/standard-webhook-body.ts';
import { matchRequest } from './admission.ts';
import { buildTestApp, type TestApp } from './http-fixture.ts';

let t: TestApp;
let doc: OpenApiDocument;

before(async () => {
  t = await buildTestApp();
  const response = await t.app.inject({ url: '/api/openapi.json' });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  doc = JSON.parse(response.body) as OpenApiDocument;
});

after(async () => {
  await t.app.close();
});

/** `METHOD /path/{param}` for every route the app registered (HEAD aside), from Fastify's route tree. */
function registeredRoutes(tree: string): Set<string> {
  const routes = new Set<string>();
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (match === null) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(match[2] ?? '');
    for (const method of (match[3] ?? '').split(', ')) {
      if (method === '' || method === 'HEAD') continue;
      // The tree prints a wildcard child as `*` under its parent, without the `/` of `/api/…/*`.
      const route = stack.join('').replace(/([^/])\*$/, '$1/*');
      routes.add(`${method} ${ROUTE_ALIASES[route] ?? route.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    }
  }
  return routes;
}

test('the served document is the one generated from the contract, with the running version', () => {
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(doc.info.version, '0.1.0-test');
  assert.deepEqual(doc, JSON.parse(JSON.stringify(buildOpenApiDocument({ version: '0.1.0-test' }))));
});

test('every registered route is documented, and every documented one exists', () => {
  const registered = registeredRoutes(t.app.printRoutes({ commonPrefix: false }));
  const documented = new Set(
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    ),
  );
  assert.ok(registered.size >= 19, `parsed ${registered.size} routes`);
  assert.deepEqual([...registered].sort(), [...documented].sort());
});

test('every $ref points at a component schema, and operation ids are unique', () => {
  const text = JSON.stringify(doc);
  const refs = [...text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]);
  assert.ok(refs.length > 20);
  for (const ref of refs) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(ref ?? '')?.[1];
    assert.ok(name !== undefined && name in doc.components.schemas, `unresolved $ref ${ref}`);
  }
  const ids = Object.values(doc.paths).flatMap((item) =>
    Object.values(item).map((operation) => operation?.operationId),
  );
  assert.equal(new Set(ids).size, ids.length);
});

test('the document states the contract: strict bodies, status enums, filters and error codes', () => {
  const schemas = doc.components.schemas as Record<string, Record<string, unknown>>;
  assert.equal(schemas.PromotionRequest?.additionalProperties, false);
  const promotion = schemas.Promotion?.properties as Record<string, Record<string, unknown>>;
  assert.deepEqual(promotion.status?.enum, [
    'queued',
    'awaiting_approval',
    'running',
    'succeeded',
    'failed',
    'rejected',
    'cancelled',
  ]);
  assert.deepEqual(promotion.kind?.enum, ['promotion', 'rerun', 'rollback']);
  assert.ok(promotion.approvalsReceived && promotion.approvals);
  const list = doc.paths['/api/v1/promotions']?.get;
  const names = (list?.parameters ?? []).map((p) => p.name);
  for (const filter of [
    'tag',
    'digest',
    'repository',
    'rule',
    'requestedBy',
    'status',
    'createdAfter',
    'createdBefore',
    'cursor',
  ]) {
    assert.ok(names.includes(filter), `filter ${filter} is documented`);
  }
  assert.match(JSON.stringify(doc.components.securitySchemes), /FERRY_E_API_UNAUTHORIZED/);
  assert.ok(doc.webhooks.promotionEvent, 'outbound notifications are documented');
});

test("the request examples pass the routes' own parsers and match a rule", () => {
  const rest = parseRestPromotionBody(REQUEST_EXAMPLES.promotionRequest, { actor: 'docs' });
  assert.ok(matchRequest(t.config, rest));
  const webhook = parseStandardWebhookBody(REQUEST_EXAMPLES.promotionWebhook, { actor: 'docs' });
  assert.ok(matchRequest(t.config, webhook));
  const raw = Buffer.from(JSON.stringify(REQUEST_EXAMPLES.openshiftGeneric));
  const openshift = parseOpenShiftGenericBody(
    parseBody(raw, 'application/json', { formats: OPENSHIFT_BODY_FORMATS }),
    { actor: 'docs' },
  );
  assert.ok(matchRequest(t.config, openshift));
});
