import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildOpenApiDocument } from './openapi.ts';
import { NAMED_SCHEMAS, ROUTES } from './routes.ts';

const doc = buildOpenApiDocument({ version: '1.2.3' });
const text = JSON.stringify(doc);

test('every route of the table is an operation, with a unique operationId', () => {
  for (const route of ROUTES) {
    const operation = doc.paths[route.path]?.[route.method];
    assert.ok(operation, `${route.method} ${route.path}`);
    assert.equal(operation.operationId, route.operationId);
    assert.deepEqual(Object.keys(operation.responses).sort(), Object.keys(route.responses).sort());
  }
  const ids = ROUTES.map((route) => route.operationId);
  assert.equal(new Set(ids).size, ids.length);
});

test('every path parameter of a path is declared, and nothing else is', () => {
  for (const route of ROUTES) {
    const inPath = [...route.path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]).sort();
    const declared = (route.parameters ?? [])
      .filter((p) => p.in === 'path')
      .map((p) => p.name)
      .sort();
    assert.deepEqual(declared, inPath, `${route.method} ${route.path}`);
  }
});

test('named schemas are components, referenced by $ref; no $defs or $schema is left inline', () => {
  for (const name of Object.keys(NAMED_SCHEMAS)) assert.ok(name in doc.components.schemas, name);
  assert.ok(!text.includes('"$defs"'));
  assert.ok(!text.includes('"$schema"'));
  assert.ok(!text.includes('"$id"'));
  for (const [, ref] of text.matchAll(/"\$ref":"([^"]+)"/g)) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(ref ?? '')?.[1];
    assert.ok(name !== undefined && name in doc.components.schemas, `unresolved ${ref}`);
  }
});

/** The member at `path` of a JSON value, or undefined. */
function at(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>(
    (member, key) =>
      typeof member === 'object' && member !== null ? (member as Record<string, unknown>)[key] : undefined,
    value,
  );
}

test('structure comes from the zod schemas: strict objects, enums, required fields, descriptions', () => {
  const schemas = doc.components.schemas;
  assert.equal(at(schemas, 'PromotionRequest', 'additionalProperties'), false);
  assert.deepEqual(at(schemas, 'PromotionRequest', 'required'), ['source']);
  assert.equal(at(schemas, 'PromotionRequest', 'properties', 'source', 'additionalProperties'), false);
  assert.match(
    String(
      at(schemas, 'PromotionRequest', 'properties', 'source', 'properties', 'repository', 'description'),
    ),
    /team-a\/app/,
  );
  assert.ok((at(schemas, 'Promotion', 'required') as string[]).includes('approvalsReceived'));
  assert.deepEqual(at(schemas, 'Promotion', 'properties', 'releaseTag', 'type'), ['string', 'null']);
  assert.equal(at(schemas, 'Promotion', 'properties', 'createdAt', 'format'), 'date-time');
  assert.deepEqual(at(schemas, 'Replayed', 'properties', 'created'), { type: 'boolean', const: false });
  assert.deepEqual(Object.keys(at(schemas, 'Release', 'properties') as object), [
    'environment',
    'registry',
    'repository',
    'tag',
    'digest',
    'promotionId',
    'rule',
    'kind',
    'promotedBy',
    'approvedBy',
    'since',
    'previousDigest',
  ]);
});

test('the document is deterministic and carries the version it was built for', () => {
  assert.equal(doc.info.version, '1.2.3');
  assert.equal(JSON.stringify(buildOpenApiDocument({ version: '1.2.3' })), text);
});

test('query parameters come from the query schema, each optional one not required', () => {
  const list = doc.paths['/api/v1/promotions']?.get;
  const limit = list?.parameters?.find((p) => p.name === 'limit');
  assert.equal(at(limit, 'in'), 'query');
  assert.equal(at(limit, 'required'), false);
  assert.deepEqual([at(limit, 'schema', 'minimum'), at(limit, 'schema', 'maximum')], [1, 500]);
  assert.match(String(at(limit, 'description')), /Page size/);
});
