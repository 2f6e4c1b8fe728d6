import { Worker } from 'node:worker_threads';
import { type PgliteEngine, PgliteEngineError } from './pglite-engine.ts';
import type { ThreadReply, ThreadRequest, ThreadSetup } from './pglite-thread-protocol.ts';
import { StoreError, StoreErrorCode } from './store-error.ts';

/**
 * The thread's entry: the .ts source when ferry runs from source (tests), the bundle's own entry
 * (scripts/build.mjs puts it beside the chunks) when it runs from dist/.
 */
const THREAD_ENTRY = new URL(
  import.meta.url.endsWith('.ts') ? './pglite-thread.ts' : './pglite-thread.mjs',
  import.meta.url,
);

type Request = ThreadRequest extends infer R ? (R extends ThreadRequest ? Omit<R, 'id'> : never) : never;

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * PGlite in a worker thread (pglite-thread.ts), behind PGlite's own query/exec/listen shapes. Statements
 * still run one at a time on the engine's single connection; the point is that they no longer run on the
 * main thread, which serves HTTP meanwhile.
 *
 * The thread keeps the process alive only while a statement is outstanding, as an in-process engine
 * would; if it dies, every outstanding and later call fails with FERRY_E_STORE_UNAVAILABLE.
 */
export class PgliteThread implements PgliteEngine {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Map<number, (payload: string) => void>();
  #nextId = 1;
  #failure: StoreError | undefined;
  /** Set when close() starts: from then on calls are refused rather than sent to a closing engine. */
  #closing: Promise<void> | undefined;
  #closed = false;

  private constructor(worker: Worker) {
    this.#worker = worker;
  }

  /**
   * Starts the thread and opens (creating if needed) the database in it. `entry` replaces the thread's
   * code (tests use a thread that dies on purpose).
   */
  static async open(setup: ThreadSetup, options: { entry?: URL } = {}): Promise<PgliteThread> {
    const worker = new Worker(options.entry ?? THREAD_ENTRY, { workerData: setup });
    const thread = new PgliteThread(worker);
    const opening = {
      message: (_reply: ThreadReply) => {},
      error: (_err: unknown) => {},
      exit: (_code: number) => {},
    };
    await new Promise<void>((resolve, reject) => {
      const failed = (err: unknown) => {
        void worker.terminate();
        reject(err);
      };
      opening.message = (reply) => {
        if (reply.type !== 'opened') failed(new Error(`unexpected first message ${reply.type}`));
        else if (reply.error !== undefined) failed(new PgliteEngineError(reply.error));
        else resolve();
      };
      opening.error = failed;
      opening.exit = (code) => failed(new Error(`database thread exited with code ${code}`));
      worker.once('message', opening.message);
      worker.once('error', opening.error);
      worker.once('exit', opening.exit);
    });
    // Only these: removeAllListeners() would also drop the Worker's own and stop message delivery.
    worker.off('message', opening.message);
    worker.off('error', opening.error);
    worker.off('exit', opening.exit);
    worker.on('message', (reply: ThreadReply) => thread.#receive(reply));
    worker.on('error', (err) => thread.#fail(err));
    worker.on('exit', (code) => thread.#fail(new Error(`database thread exited with code ${code}`)));
    worker.unref();
    return thread;
  }

  get closed(): boolean {
    return this.#closed;
  }

  query<T>(sql: string, params: unknown[] = []): Promise<{ rows: T[]; affectedRows?: number | undefined }> {
    return this.#call({ op: 'query', sql, params }) as Promise<{ rows: T[]; affectedRows?: number }>;
  }

  beginWith<T>(
    sql: string,
    params: unknown[] = [],
  ): Promise<{ rows: T[]; affectedRows?: number | undefined }> {
    return this.#call({ op: 'query', sql, params, begin: true }) as Promise<{
      rows: T[];
      affectedRows?: number;
    }>;
  }

  exec(sql: string): Promise<{ rows: Record<string, unknown>[] }[]> {
    return this.#call({ op: 'exec', sql }) as Promise<{ rows: Record<string, unknown>[] }[]>;
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const listenId = this.#nextId++;
    this.#listeners.set(listenId, onNotify);
    try {
      await this.#call({ op: 'listen', channel, listenId });
    } catch (err) {
      this.#listeners.delete(listenId);
      throw err;
    }
    return async () => {
      if (!this.#listeners.delete(listenId) || this.#closing !== undefined) return;
      await this.#call({ op: 'unlisten', listenId });
    };
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    try {
      if (this.#failure === undefined) await this.#send({ op: 'close' });
    } finally {
      this.#closed = true;
      this.#listeners.clear();
      await this.#worker.terminate();
      // Nothing can answer now: whatever is still outstanding fails (as a statement on a closed
      // in-process engine would) instead of waiting forever.
      this.#rejectAll(new StoreError(StoreErrorCode.Unavailable, 'the embedded database is closed'));
    }
  }

  #call(request: Request): Promise<unknown> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#closing !== undefined) {
      return Promise.reject(new StoreError(StoreErrorCode.Unavailable, 'the embedded database is closed'));
    }
    return this.#send(request);
  }

  #send(request: Request): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      // Outstanding work keeps the process alive, as a statement running in-process would.
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...request, id } as ThreadRequest);
    });
  }

  #receive(reply: ThreadReply): void {
    if (reply.type === 'notify') {
      this.#listeners.get(reply.listenId)?.(reply.payload);
      return;
    }
    if (reply.type !== 'result') return;
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#settled(reply.id);
    if (reply.error !== undefined) pending.reject(new PgliteEngineError(reply.error));
    else pending.resolve(reply.value);
  }

  #settled(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0) this.#worker.unref();
  }

  /** The thread died (or exited without being closed): nothing outstanding will ever be answered. */
  #fail(cause: unknown): void {
    if (this.#closed || this.#failure !== undefined) return;
    this.#failure = new StoreError(
      StoreErrorCode.Unavailable,
      `the embedded database stopped: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause, temporary: true },
    );
    this.#rejectAll(this.#failure);
  }

  #rejectAll(error: StoreError): void {
    for (const [id, pending] of [...this.#pending]) {
      this.#settled(id);
      pending.reject(error);
    }
  }
}
