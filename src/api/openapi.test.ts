import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildOpenApiDocument, type JsonSchema } from './openapi.ts';
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

test('the dashboard reads: status repeatable, the audit export’s media types, event data shapes as components', () => {
  const status = doc.paths['/api/v1/promotions']?.get?.parameters?.find((p) => p.name === 'status');
  const alternatives = at(status, 'schema', 'anyOf') as JsonSchema[];
  assert.equal(alternatives.length, 2);
  assert.equal(at(alternatives[1], 'type'), 'array');
  const audit = doc.paths['/api/v1/audit']?.get;
  assert.deepEqual(Object.keys(at(audit, 'responses', '200', 'content') as object), [
    'application/json',
    'text/csv',
    'application/x-ndjson',
  ]);
  assert.ok(at(audit, 'responses', '200', 'headers', 'content-disposition'));
  assert.deepEqual(
    (audit?.parameters ?? []).map((p) => p.name),
    ['promotion', 'actor', 'kind', 'since', 'until', 'q', 'limit', 'cursor', 'format'],
  );
  assert.equal(
    at(doc.paths['/api/v1/events'], 'get', 'responses', '200', 'content', 'text/event-stream') !== undefined,
    true,
  );
  const schemas = doc.components.schemas;
  assert.deepEqual(at(schemas, 'BlobProgress', 'properties', 'state', 'enum'), [
    'pending',
    'copying',
    'copied',
    'mounted',
    'skipped',
  ]);
  assert.deepEqual(at(schemas, 'PromotionProgress', 'properties', 'blobs', 'items'), {
    $ref: '#/components/schemas/BlobProgress',
  });
  assert.ok((at(schemas, 'PromotionWithTimeline', 'required') as string[]).includes('blobs'));
  assert.deepEqual(
    at(schemas, 'Rule', 'properties', 'signature', 'properties', 'publicKeys', 'type'),
    'array',
  );
});
