/**
 * A stand-in for pglite-thread.ts in pglite-thread-client.test.ts: opens at once, answers `SELECT 1`,
 * and ends the thread (as a crash in the engine would) on any other statement.
 */
import { parentPort } from 'node:worker_threads';
import type { ThreadReply, ThreadRequest } from './pglite-thread-protocol.ts';

const port = parentPort!;
const post = (reply: ThreadReply) => port.postMessage(reply);
port.on('message', (request: ThreadRequest) => {
  if (request.op === 'query' && request.sql === 'SELECT 1') {
    post({ type: 'result', id: request.id, value: { rows: [{ '?column?': 1 }] } });
  } else {
    process.exit(7);
  }
});
post({ type: 'opened' });
