import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  contractPath,
  fastifyPath,
  PATHS,
  promotionActionPath,
  promotionPath,
  queryString,
  releasePath,
} from './paths.ts';

test('paths convert between the contract form and the Fastify form', () => {
  assert.equal(
    fastifyPath(PATHS.openshiftLegacyHook),
    '/oapi/v1/namespaces/:namespace/buildconfigs/:name/webhooks/:secret/generic',
  );
  for (const path of Object.values(PATHS)) assert.equal(contractPath(fastifyPath(path)), path);
});

test('builders percent-encode what came from the network, keeping a repository’s slashes', () => {
  assert.equal(promotionPath('a/b?c'), '/api/v1/promotions/a%2Fb%3Fc');
  assert.equal(promotionActionPath('x', 'approve'), '/api/v1/promotions/x/approve');
  assert.equal(releasePath('prod', 'team-a/app', 'v1'), '/api/v1/releases/prod/team-a/app/v1');
  assert.equal(releasePath(null, 'app', 'v1'), '/api/v1/releases/-/app/v1');
});

test('queryString keeps the defined values only', () => {
  assert.equal(queryString({}), '');
  assert.equal(queryString({ tag: 'v1', limit: 10, rule: undefined }), '?tag=v1&limit=10');
  assert.equal(queryString({ requestedBy: 'standard-webhooks#1' }), '?requestedBy=standard-webhooks%231');
});
