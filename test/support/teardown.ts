/**
 * Teardown in reverse order of set-up. node:test runs `after` hooks (and `t.after`) in the order they
 * were registered, so an engine registered after its database would be stopped after the database was
 * closed. `teardown(after)` registers one hook that runs everything deferred through it last-in,
 * first-out; every step runs even if an earlier one fails, and the first failure is reported.
 */
export function teardown(register: (hook: () => Promise<void>) => unknown): (step: () => unknown) => void {
  const steps: (() => unknown)[] = [];
  register(async () => {
    let failure: { error: unknown } | undefined;
    for (const step of steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  });
  return (step) => {
    steps.push(step);
  };
}
