import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  STANDARD_HOOK_PATH as CLIENT_HOOK_PATH,
  PROMOTIONS_API_PATH,
} from '../../cli/trigger/trigger-contract.ts';
import { STANDARD_HOOK_PATH } from './hook-routes.ts';
import { PROMOTIONS_PATH } from './promotion-links.ts';

// The server keeps its own path constants (service/ does not import cli/); this pins them to the
// paths `ferry trigger` posts to and polls.
test('the server mounts the paths the ferry trigger client uses', () => {
  assert.equal(STANDARD_HOOK_PATH, CLIENT_HOOK_PATH);
  assert.equal(PROMOTIONS_PATH, PROMOTIONS_API_PATH);
});
