/**
 * The receiving side of LISTEN/NOTIFY on PostgreSQL: one dedicated connection per listen() (a pooled
 * connection would be handed to other queries and lose its LISTEN when released), re-established with
 * backoff when it drops, so a database restart or failover does not silence a replica for good.
 * Notifications sent while it is down are lost; `onError` says when that may have happened.
 */
import pg from 'pg';
import type { ListenOptions } from './database.ts';
import { toStoreError } from './store-error.ts';

export interface PgListenerOptions extends ListenOptions {
  readonly url: string;
  readonly channel: string;
  readonly onNotify: (payload: string) => void;
  /** First reconnect delay, doubled up to maxDelayMs. Default 500 ms. */
  readonly baseDelayMs?: number | undefined;
  /** Default 30 s. */
  readonly maxDelayMs?: number | undefined;
}

export class PgListener {
  readonly #options: PgListenerOptions;
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #stopped = false;

  constructor(options: PgListenerOptions) {
    this.#options = options;
  }

  /** Connects and LISTENs; rejects (and gives up) when the first attempt fails. */
  async start(): Promise<void> {
    try {
      await this.#connect();
    } catch (err) {
      this.#stopped = true;
      throw toStoreError(err, `cannot listen on ${this.#options.channel}`);
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#options.url, application_name: 'ferry-listen' });
    // Without a listener, a dropped connection's 'error' would crash the process.
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client, new Error('the listening connection closed')));
    client.on('notification', (message) => {
      if (message.channel === this.#options.channel) this.#options.onNotify(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.#options.channel)}`);
    } catch (err) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.#stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#failures = 0;
  }

  #lost(client: pg.Client, err: unknown): void {
    if (this.#stopped || this.#client !== client) return;
    this.#client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.#options.onError?.(err);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    const base = this.#options.baseDelayMs ?? 500;
    const max = this.#options.maxDelayMs ?? 30_000;
    const delay = Math.min(max, base * 2 ** Math.min(this.#failures, 16));
    this.#failures++;
    this.#timer = setTimeout(() => {
      this.#connect().catch((err: unknown) => {
        this.#options.onError?.(err);
        this.#schedule();
      });
    }, delay);
    this.#timer.unref();
  }
}
