import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PATHS } from '../../api/paths.ts';
import {
  STANDARD_HOOK_PATH as CLIENT_HOOK_PATH,
  PROMOTIONS_API_PATH,
} from '../../cli/trigger/trigger-contract.ts';

// `ferry trigger` still names its paths in cli/trigger/ until it imports them from api/ too; this pins
// them to the contract the server mounts.
test('the server mounts the paths the ferry trigger client uses', () => {
  assert.equal(PATHS.standardHook, CLIENT_HOOK_PATH);
  assert.equal(PATHS.promotions, PROMOTIONS_API_PATH);
});
