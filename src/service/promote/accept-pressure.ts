/**
 * Counts accepts in progress so the workers can hold off claiming new promotions while a burst of
 * triggers is being answered: a CI job waits on its trigger's answer, while a promotion that starts a
 * little later costs nobody anything. On two cores a running promotion (its copy, its registry calls)
 * competes with the accepts for CPU. The wait is bounded, so a sustained stream of triggers slows the
 * workers down but never stops them.
 */
export class AcceptPressure {
  readonly #maxWaitMs: number;
  #inFlight = 0;
  #quiet: (() => void)[] = [];

  constructor(options: { maxWaitMs?: number } = {}) {
    this.#maxWaitMs = options.maxWaitMs ?? 500;
  }

  /** Marks an accept in progress until the returned function is called. */
  enter(): () => void {
    this.#inFlight++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (--this.#inFlight === 0) for (const resume of this.#quiet.splice(0)) resume();
    };
  }

  /** Resolves when no accept is in progress, or after the maximum wait. */
  async settle(): Promise<void> {
    if (this.#inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.#maxWaitMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#quiet.push(done);
    });
  }
}
