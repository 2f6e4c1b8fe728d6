import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { resolveRequest } from '../promote/resolve-request.ts';
import { OPENSHIFT_BODY_FORMATS, parseOpenShiftGenericBody } from '../triggers/openshift-generic.ts';
import { parseBody } from '../triggers/parse-body.ts';
import { parseRestPromotionBody } from '../triggers/rest-body.ts';
import { parseStandardWebhookBody } from '../triggers/standard-webhook-body.ts';
import { buildTestApp, type TestApp } from './http-fixture.ts';
import { OPENAPI_EXAMPLES, type OpenApiDocument } from './openapi.ts';

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
      routes.add(`${method} ${stack.join('').replace(/:([A-Za-z]+)/g, '{$1}')}`);
    }
  }
  return routes;
}

test('the document is OpenAPI 3.1 with the running version', () => {
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(doc.info.version, '0.1.0-test');
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
  for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
    assert.ok(name !== undefined && name in doc.components.schemas, `unresolved $ref ${name}`);
  }
  const ids = Object.values(doc.paths).flatMap((item) =>
    Object.values(item).map((operation) => operation.operationId),
  );
  assert.equal(new Set(ids).size, ids.length);
});

test("the request examples pass the routes' own parsers and match a rule", () => {
  const rest = parseRestPromotionBody(OPENAPI_EXAMPLES.restPromotion, { actor: 'docs' });
  assert.ok(resolveRequest(t.config, rest));
  const webhook = parseStandardWebhookBody(OPENAPI_EXAMPLES.standardWebhook, { actor: 'docs' });
  assert.ok(resolveRequest(t.config, webhook));
  const raw = Buffer.from(JSON.stringify(OPENAPI_EXAMPLES.openshiftGeneric));
  const openshift = parseOpenShiftGenericBody(
    parseBody(raw, 'application/json', { formats: OPENSHIFT_BODY_FORMATS }),
    {
      actor: 'docs',
    },
  );
  assert.ok(resolveRequest(t.config, openshift));
});
