/**
 * Everything the benchmark starts registers its teardown here, so a normal end, a failure and
 * Ctrl-C all leave no registry, proxy or temp dir behind. Runs last-in first-out.
 */
export class CleanupStack {
  readonly #tasks: Array<{ what: string; run: () => Promise<void> }> = [];

  defer(what: string, run: () => Promise<void>): void {
    this.#tasks.push({ what, run });
  }

  /** Runs (and forgets) every task; failures are reported, not thrown, so the rest still runs. */
  async runAll(): Promise<void> {
    while (this.#tasks.length > 0) {
      const task = this.#tasks.pop()!;
      try {
        await task.run();
      } catch (err) {
        process.stderr.write(`bench: cleanup of ${task.what} failed: ${String(err)}\n`);
      }
    }
  }
}
