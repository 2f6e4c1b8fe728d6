import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fastify } from 'fastify';
import { addResponseContractCheck, CONTRACT_VIOLATION_LOG } from './response-contract.ts';

/** An app whose routes answer what the test says, with the contract check in front. */
async function appAnswering(healthBody: unknown) {
  const lines: string[] = [];
  const app = fastify({ logger: { level: 'error', stream: { write: (line: string) => lines.push(line) } } });
  addResponseContractCheck(app);
  app.get('/healthz', async () => healthBody);
  app.get('/api/v2/unknown', async () => ({ ok: true }));
  await app.ready();
  return { app, lines };
}

test('an answer that follows the contract goes out unchanged', async () => {
  const { app, lines } = await appAnswering({ status: 'ok', version: '1.0.0' });
  const response = await app.inject({ url: '/healthz' });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { status: 'ok', version: '1.0.0' });
  assert.deepEqual(lines, []);
  await app.close();
});

test('a drifting answer becomes a 500 naming the mismatch, and is logged as a contract violation', async () => {
  const { app, lines } = await appAnswering({ status: 'ok', version: 1 });
  const response = await app.inject({ url: '/healthz' });
  assert.equal(response.statusCode, 500);
  const body = response.json() as { code: string; message: string };
  assert.equal(body.code, 'FERRY_E_INTERNAL');
  assert.match(body.message, /GET \/healthz 200: version/);
  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', new RegExp(CONTRACT_VIOLATION_LOG));
  const unknown = await app.inject({ url: '/api/v2/unknown' });
  assert.equal(unknown.statusCode, 500);
  assert.match(unknown.json().message, /not in the contract/);
  await app.close();
});
