/**
 * What the demo has started, stopped in reverse order exactly once: at the end of `--once`, on
 * Ctrl-C/SIGTERM, or after a failure. Something registered after the stack has run (a server whose
 * start was still under way when the signal came) is stopped at once instead of being forgotten.
 */
export interface CleanupStack {
  add(stop: () => Promise<void>): void;
  /** Runs every stop function, newest first; failures are reported, never thrown. */
  run(): Promise<void>;
}

export function createCleanupStack(report: (err: unknown) => void): CleanupStack {
  const stops: Array<() => Promise<void>> = [];
  let running: Promise<void> | undefined;
  const attempt = (stop: () => Promise<void>) => stop().catch(report);
  return {
    add(stop) {
      if (running === undefined) stops.push(stop);
      else void attempt(stop);
    },
    run() {
      running ??= (async () => {
        for (const stop of stops.splice(0).reverse()) await attempt(stop);
      })();
      return running;
    },
  };
}
