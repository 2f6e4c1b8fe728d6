import type { ChildProcess } from 'node:child_process';

/**
 * Safety net: SIGKILLs the child if the test process exits without calling stop(), so a
 * crashed test file cannot leave registries running. Returns the unregister function.
 * Each live child holds one 'exit' listener, so the listener cap is raised and lowered with it
 * (tests legitimately run more than ten registries at once).
 */
export function killOnExit(child: ChildProcess): () => void {
  const onExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.setMaxListeners(process.getMaxListeners() + 1);
  process.once('exit', onExit);
  let registered = true;
  return () => {
    if (!registered) return;
    registered = false;
    process.removeListener('exit', onExit);
    process.setMaxListeners(Math.max(10, process.getMaxListeners() - 1));
  };
}

/** SIGTERM, then SIGKILL if the child has not exited after `graceMs`. Resolves once it is gone. */
export function terminate(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
