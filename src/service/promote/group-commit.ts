/**
 * Group commit: requests that arrive while a batch is being written wait and are written together in
 * the next one, so a burst of webhooks costs a few transactions instead of one each. A lone request is
 * written at once (no timer, no added latency when idle).
 *
 * Why: on the embedded store every statement runs on one connection, and the fixed cost of a statement
 * and of a transaction dominates an accept (measured: 3.1 ms of database time for one accept on its
 * own, 0.7 ms each in batches of 8; bench/README.md).
 *
 * A batch that fails is written again one request at a time, so a request with a bad value fails alone
 * instead of taking the requests that happened to share its batch with it.
 */
export interface GroupCommitOptions<I, O> {
  /** Writes the batch; returns one outcome per item, in order. */
  readonly write: (items: readonly I[]) => Promise<O[]>;
  /** Items per batch at most. Default 64. */
  readonly maxBatch?: number | undefined;
  /**
   * Batches written at the same time at most. Default 1: on a single connection a second transaction
   * would only queue behind the first, and the requests it holds would have made the next batch.
   */
  readonly concurrency?: number | undefined;
}

interface Pending<I, O> {
  readonly item: I;
  readonly resolve: (outcome: O) => void;
  readonly reject: (error: unknown) => void;
}

export class GroupCommit<I, O> {
  readonly #write: (items: readonly I[]) => Promise<O[]>;
  readonly #maxBatch: number;
  readonly #concurrency: number;
  readonly #pending: Pending<I, O>[] = [];
  #writing = 0;

  constructor(options: GroupCommitOptions<I, O>) {
    this.#write = options.write;
    this.#maxBatch = Math.max(1, options.maxBatch ?? 64);
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      this.#drain();
    });
  }

  #drain(): void {
    while (this.#writing < this.#concurrency && this.#pending.length > 0) {
      const batch = this.#pending.splice(0, this.#maxBatch);
      this.#writing++;
      void this.#commit(batch).finally(() => {
        this.#writing--;
        this.#drain();
      });
    }
  }

  async #commit(batch: Pending<I, O>[]): Promise<void> {
    try {
      const outcomes = await this.#write(batch.map((p) => p.item));
      if (outcomes.length !== batch.length) {
        throw new Error(`group commit: ${outcomes.length} outcomes for ${batch.length} items`);
      }
      for (const [index, pending] of batch.entries()) pending.resolve(outcomes[index]!);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const pending of batch) await this.#commit([pending]);
    }
  }
}
