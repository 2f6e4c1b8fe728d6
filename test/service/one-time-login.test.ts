import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ApiErrorCode } from '../../src/api/api-error-codes.ts';
import { meSchema } from '../../src/api/identity.ts';
import { freePort } from '../rig/ports.ts';
import { SignInClient } from '../rig/sign-in-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { writeServeConfig } from './serve-fixture.ts';
import { startFerryProcess } from './serve-process.ts';

/*
 * `ferry serve --one-time-login FILE` as the demo runs it (the built CLI, a real process): the link is
 * in a 0600 file and not in the log, signs one browser in as the admin demo identity, and only once.
 */

const cleanup = teardown(after);
const temp = await makeTempDir('one-time-login');
cleanup(() => temp.remove());

test('a one-time link from ferry serve signs in once, and never reaches the log', async () => {
  const port = await freePort();
  const { path } = await writeServeConfig({ dir: temp.path });
  const linkFile = join(temp.path, 'login-link');
  const serve = await startFerryProcess(
    ['serve', '--config', path, '--listen', `127.0.0.1:${port}`, '--one-time-login', linkFile],
    { env: { FERRY_CHECK_RESPONSES: '1' }, cleanup },
  );
  const link = (await readFile(linkFile, 'utf8')).trim();
  assert.match(link, new RegExp(`^${serve.url}/auth/one-time\\?code=[A-Za-z0-9_-]{43}$`));
  assert.equal((await stat(linkFile)).mode & 0o777, 0o600);

  const browser = new SignInClient();
  const signedIn = await browser.fetch(link, { maxRedirects: 0 });
  assert.equal(signedIn.status, 302);
  assert.equal(signedIn.headers.location, '/');
  const me = meSchema.parse(JSON.parse((await browser.fetch(`${serve.url}/api/v1/me`)).body));
  assert.equal(me.identity.kind, 'one-time');
  assert.deepEqual(me.roles, ['admin']);

  const again = await new SignInClient().fetch(link, { maxRedirects: 0 });
  assert.equal(again.status, 401);
  assert.equal(JSON.parse(again.body).code, ApiErrorCode.OneTimeCodeInvalid);

  const code = new URL(link).searchParams.get('code') ?? '';
  assert.ok(serve.log().includes('one-time login link written'), 'the log says where the link is');
  assert.ok(!serve.log().includes(code), 'the code is not in the log');
  const key = await readFile(join(temp.path, 'data', 'session.key'));
  assert.equal(key.length, 32, 'the session key was generated into the data dir');
  assert.equal((await stat(join(temp.path, 'data', 'session.key'))).mode & 0o777, 0o600);
});
