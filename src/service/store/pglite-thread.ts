/**
 * Runs inside a worker thread: owns the embedded PGlite engine and executes what the main thread sends
 * (pglite-thread-client.ts). PGlite executes SQL synchronously in WASM, so on the main thread every
 * statement would stop the HTTP server; here the server keeps parsing, verifying and answering
 * requests while statements run, and requests that arrive meanwhile can be written together.
 *
 * Kept free of ferry imports: this file is its own bundle entry (scripts/build.mjs).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types } from '@electric-sql/pglite';
import type { EngineErrorFields } from './pglite-engine.ts';
import type { ThreadReply, ThreadRequest, ThreadSetup } from './pglite-thread-protocol.ts';

/** ferry's int8 values (byte counts, ids) are far below 2^53: hand them over as numbers (database.ts). */
const PARSERS = { [types.INT8]: (value: string) => Number(value) };

/** The fields of a PostgreSQL error worth carrying across: SQLSTATE and where it came from. */
const ERROR_FIELDS: readonly Exclude<keyof EngineErrorFields, 'message'>[] = [
  'code',
  'detail',
  'hint',
  'constraint',
  'severity',
  'schema',
  'table',
  'column',
  'where',
  'position',
  'routine',
];

function toWire(err: unknown): EngineErrorFields {
  const wire: Record<string, string> = { message: err instanceof Error ? err.message : String(err) };
  if (typeof err === 'object' && err !== null) {
    for (const field of ERROR_FIELDS) {
      const value = (err as Record<string, unknown>)[field];
      if (typeof value === 'string') wire[field] = value;
    }
  }
  return wire as unknown as EngineErrorFields;
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('pglite-thread.ts runs as a worker thread only');
  const setup = workerData as ThreadSetup;
  const post = (reply: ThreadReply) => port.postMessage(reply);
  let db: PGlite;
  try {
    db = await PGlite.create({
      dataDir: setup.dataDir,
      parsers: PARSERS,
    });
  } catch (err) {
    post({ type: 'opened', error: toWire(err) });
    return;
  }
  const unlisteners = new Map<number, () => Promise<void>>();

  const handle = async (request: ThreadRequest): Promise<unknown> => {
    switch (request.op) {
      case 'query': {
        if (request.begin) await db.exec('BEGIN');
        const result = await db.query(request.sql, request.params);
        return { rows: result.rows, affectedRows: result.affectedRows };
      }
      case 'exec':
        return (await db.exec(request.sql)).map((result) => ({ rows: result.rows }));
      case 'listen': {
        const { listenId } = request;
        const unlisten = await db.listen(request.channel, (payload) =>
          post({ type: 'notify', listenId, payload }),
        );
        unlisteners.set(listenId, unlisten);
        return undefined;
      }
      case 'unlisten': {
        const unlisten = unlisteners.get(request.listenId);
        unlisteners.delete(request.listenId);
        if (unlisten !== undefined && !db.closed) await unlisten();
        return undefined;
      }
      case 'close':
        if (!db.closed) await db.close();
        return undefined;
    }
  };

  port.on('message', (request: ThreadRequest) => {
    handle(request).then(
      (value) => post({ type: 'result', id: request.id, value }),
      (err: unknown) => post({ type: 'result', id: request.id, error: toWire(err) }),
    );
  });
  post({ type: 'opened' });
}

void main();
