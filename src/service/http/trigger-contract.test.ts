import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PATHS } from '../../api/paths.ts';
import { STANDARD_HOOK_PATH } from './hook-routes.ts';
import { PROMOTIONS_PATH } from './promotion-links.ts';

// Pins the server's own path constants to the contract's, which `ferry trigger` posts to and polls.
test('the server mounts the paths the ferry trigger client uses', () => {
  assert.equal(STANDARD_HOOK_PATH, PATHS.standardHook);
  assert.equal(PROMOTIONS_PATH, PATHS.promotions);
});
