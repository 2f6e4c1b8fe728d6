import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { runCliInProcess } from '../support/run-cli-in-process.ts';

/*
 * What the operator commands say when the answer to an action is lost. A real ferry serve cannot be
 * made to drop an answer on cue, so a bare HTTP server stands in for it here; everything else about
 * these commands is tested against a real one (operator-cli.test.ts).
 */

const ID = '01a24fbb-d864-7e3f-9edd-ba9f8bc229fd';
const TOKEN = 'operator-outcomes-token-0123456789';

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const posts: string[] = [];
  const server = createServer((req, res) => {
    if (req.method === 'POST') posts.push(req.url ?? '');
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const approve = (server: string) =>
  runCliInProcess(['promotions', 'approve', ID, '--server', server], { FERRY_TOKEN: TOKEN });

test('an approval sent whose answer never comes exits 3 (it may have been done), sent once', async (t) => {
  const server = await serve((_req, res) => res.socket?.destroy());
  t.after(() => server.close());
  const run = await approve(server.url);
  assert.equal(run.code, 3, run.stderr);
  assert.match(
    run.stderr,
    /^ferry: POST .*\/approve was sent but no answer came \(.*\); it may have been done: check with ferry promotions show \[FERRY_E_API_OUTCOME_UNKNOWN\]\n$/,
  );
  assert.deepEqual(server.posts, [`/api/v1/promotions/${ID}/approve`], 'not repeated on a guess');
  assert.ok(!run.stderr.includes(TOKEN));
});

test('a 503 to an action exits 3 as well; a 4xx with a ferry error body is the server refusing: exit 1', async (t) => {
  let status = 503;
  const server = await serve((_req, res) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        code: status === 503 ? 'FERRY_E_UNAVAILABLE' : 'FERRY_E_PROMOTION_CONFLICT',
        message: 'no',
      }),
    ),
  );
  t.after(() => server.close());
  const unavailable = await approve(server.url);
  assert.equal(unavailable.code, 3, unavailable.stderr);
  assert.match(unavailable.stderr, /answered HTTP 503 \(no \[FERRY_E_UNAVAILABLE\]\); it may have been done/);
  status = 409;
  const refused = await approve(server.url);
  assert.equal(refused.code, 1, refused.stderr);
  assert.equal(refused.stderr, 'ferry: no [FERRY_E_PROMOTION_CONFLICT]\n');
});

test('a server that is not there: the action never left, exit 1', async () => {
  const server = await serve(() => undefined);
  await server.close();
  const run = await approve(server.url);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /^ferry: cannot reach .*ECONNREFUSED.* \[FERRY_E_API_UNAVAILABLE\]\n$/);
});
