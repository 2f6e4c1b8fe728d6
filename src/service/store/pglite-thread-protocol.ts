import type { EngineErrorFields } from './pglite-engine.ts';

/** Messages between the main thread (pglite-thread-client.ts) and the PGlite thread (pglite-thread.ts). */

export interface ThreadSetup {
  /** Directory holding the cluster; created (initdb) on first use. */
  readonly dataDir: string;
}

export type ThreadRequest =
  | {
      readonly id: number;
      readonly op: 'query';
      readonly sql: string;
      readonly params: unknown[];
      /** Run BEGIN first: a transaction's opening costs no message of its own. */
      readonly begin?: true;
    }
  | { readonly id: number; readonly op: 'exec'; readonly sql: string }
  | { readonly id: number; readonly op: 'listen'; readonly channel: string; readonly listenId: number }
  | { readonly id: number; readonly op: 'unlisten'; readonly listenId: number }
  | { readonly id: number; readonly op: 'close' };

/** A PostgreSQL error as plain data (structured clone keeps only message and stack of an Error). */
export type WireError = EngineErrorFields;

export type ThreadReply =
  /** Sent once: the engine is open, or could not be opened. */
  | { readonly type: 'opened'; readonly error?: WireError }
  | { readonly type: 'result'; readonly id: number; readonly value?: unknown; readonly error?: WireError }
  | { readonly type: 'notify'; readonly listenId: number; readonly payload: string };
