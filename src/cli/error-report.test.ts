import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { RegistryError } from '../registry/registry-error.ts';
import { reportError } from './error-report.ts';

test("registry errors are printed in skopeo's errcode words", () => {
  const body = new RegistryError(
    'GET',
    'https://r.example/v2/a/manifests/v1',
    404,
    [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }],
    '',
  );
  assert.match(
    reportError(body, 'inspect x: ').message,
    /: 404 manifest unknown: manifest unknown \[FERRY_E_NOT_FOUND\]$/,
  );
  const empty = new RegistryError('HEAD', 'https://r.example/v2/a/manifests/v1', 401, [], '');
  const report = reportError(empty, '');
  assert.match(report.message, /401 unauthorized: authentication required/);
  assert.equal(report.exitCode, 1);
});

test('--debug adds every cause, platform errors with their code', () => {
  const socket = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  const err = new FerryError(ErrorCode.Network, 'GET https://r.example/v2/: network error', {
    cause: socket,
  });
  assert.doesNotMatch(reportError(err, '').message, /ECONNREFUSED/);
  assert.match(
    reportError(err, '', { debug: true }).message,
    /network error: connect ECONNREFUSED 127.0.0.1:1 \(ECONNREFUSED\)/,
  );
});
