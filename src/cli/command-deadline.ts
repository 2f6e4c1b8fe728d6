/**
 * `--command-timeout` (skopeo: the command's context gets a deadline; when it passes, whatever is in
 * flight fails with Go's "context deadline exceeded" and skopeo exits 1). Here the running command is
 * raced against the deadline: when it passes, the command is reported as failed and the process exits
 * (bin/ferry exits as soon as run() returns), which ends every request in flight. Registry writes are
 * safe to cut: a tag appears only with the final manifest PUT.
 */
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';

export class CommandTimeoutError extends FerryError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number) {
    super(
      ErrorCode.Timeout,
      `command timed out after ${formatMs(timeoutMs)} (--command-timeout): context deadline exceeded`,
    );
    this.timeoutMs = timeoutMs;
  }
}

export class CommandDeadline {
  #timer: NodeJS.Timeout | undefined;
  #reject: ((err: Error) => void) | undefined;
  /** Rejects with CommandTimeoutError once armed and the time has passed; never resolves. */
  readonly expired: Promise<never>;

  constructor() {
    this.expired = new Promise<never>((_, reject) => {
      this.#reject = reject;
    });
    // Nobody awaits it when the command finishes first.
    this.expired.catch(() => undefined);
  }

  /** Start the clock (no-op for undefined: no limit). */
  arm(timeoutMs: number | undefined): void {
    if (timeoutMs === undefined || this.#timer) return;
    this.#timer = setTimeout(() => this.#reject?.(new CommandTimeoutError(timeoutMs)), timeoutMs);
  }

  disarm(): void {
    clearTimeout(this.#timer);
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
