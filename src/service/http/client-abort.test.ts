import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { buildTestApp, TOKENS } from './http-fixture.ts';

test('a client that hangs up mid-body is logged at info, without a stack, and nothing is accepted', async (t) => {
  const { app, logs, service } = await buildTestApp();
  t.after(() => app.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      // A promise of 1000 bytes of which 5 arrive: a cancelled CI job, a proxy timing out.
      socket.write(
        'POST /api/v1/promotions HTTP/1.1\r\nHost: ferry\r\nContent-Type: application/json\r\n' +
          `Content-Length: 1000\r\nAuthorization: Bearer ${TOKENS.promoter}\r\n\r\n{"a":`,
      );
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, 200);
    });
    socket.on('error', reject);
  });
  const deadline = Date.now() + 5_000;
  while (!logs.some((line) => line.includes('client closed'))) {
    assert.ok(Date.now() < deadline, `no log line about the aborted request:\n${logs.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const lines = logs.map((line) => JSON.parse(line) as Record<string, unknown>);
  const aborted = lines.find((line) => String(line.msg).includes('client closed'))!;
  assert.equal(aborted.level, 30);
  assert.equal(aborted.code, 'ECONNRESET');
  assert.ok(!JSON.stringify(lines).includes('"stack"'), 'a log line carries a stack');
  assert.ok(!lines.some((line) => (line.level as number) >= 40), 'a warning or error was logged');
  assert.deepEqual(service.callsTo('accept'), []);
});
