/**
 * Who holds a data-directory lock, identified by more than a pid: in a container ferry is PID 1 of its
 * own PID namespace, and so is the process that restarts it after `kill -9`, so "pid 1 is alive" said
 * nothing (issue 16: the embedded store then refused to start, forever). A holder is its pid, the start
 * time of that pid (clock ticks since boot, /proc/<pid>/stat field 22: a reused pid has another), the
 * boot id (/proc/sys/kernel/random/boot_id: a reboot ends every holder) and its PID namespace
 * (/proc/self/ns/pid: only within the same one does a pid mean the same process). A holder in another
 * PID namespace (another container on a shared volume, or this container before its restart) cannot be
 * looked up, so the holder also refreshes the lock file's mtime (a heartbeat): such a lock is stale
 * once its heartbeat is older than `staleAfterMs`.
 *
 * `judgeLock` is the pure decision; data-dir-lock.ts reads /proc and the file system.
 */

export interface LockHolder {
  readonly pid: number;
  /** Start time of `pid` in clock ticks since boot; undefined where /proc is unavailable. */
  readonly startTime: string | undefined;
  readonly bootId: string | undefined;
  /** `pid:[4026531836]`; undefined where /proc is unavailable. */
  readonly pidNamespace: string | undefined;
  readonly hostname: string;
}

export type LockVerdict =
  | { readonly kind: 'stale'; readonly reason: string }
  | { readonly kind: 'live'; readonly reason: string }
  | { readonly kind: 'wait'; readonly reason: string; readonly retryInMs: number };

export interface LockFacts {
  /** Parsed holder, or undefined when the file is not a lock this version wrote. */
  readonly holder: LockHolder | undefined;
  /** The pid of an old-format lock (a bare number), when that is what the file holds. */
  readonly legacyPid: number | undefined;
  /** How long ago the lock file was last refreshed. */
  readonly ageMs: number;
  readonly self: LockHolder;
  /** Start time of holder.pid (or legacyPid) as seen now in our namespace; undefined: no such process. */
  readonly startTimeNow: string | undefined;
  readonly staleAfterMs: number;
}

export function parseHolder(text: string): { holder?: LockHolder; legacyPid?: number } {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { legacyPid: Number(trimmed) };
  try {
    const value = JSON.parse(trimmed) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && Number.isInteger(value.pid) && value.pid > 0) {
      return {
        holder: {
          pid: value.pid,
          startTime: typeof value.startTime === 'string' ? value.startTime : undefined,
          bootId: typeof value.bootId === 'string' ? value.bootId : undefined,
          pidNamespace: typeof value.pidNamespace === 'string' ? value.pidNamespace : undefined,
          hostname: typeof value.hostname === 'string' ? value.hostname : '',
        },
      };
    }
  } catch {
    // not ours: judged below
  }
  return {};
}

export function describeHolder(h: LockHolder): string {
  return `process ${h.pid}${h.hostname ? ` on ${h.hostname}` : ''}`;
}

export function judgeLock(facts: LockFacts): LockVerdict {
  const { holder, self } = facts;
  if (!holder) {
    if (facts.legacyPid === undefined) {
      // Empty or half-written: its writer may still be filling it (only where data-dir-lock.ts could
      // not create it whole), or died doing so. Wait as long as for a stale heartbeat.
      if (facts.ageMs <= facts.staleAfterMs) {
        return {
          kind: 'wait',
          reason: 'the lock file is unreadable (being written?)',
          retryInMs: Math.max(100, Math.min(1000, facts.staleAfterMs - facts.ageMs + 100)),
        };
      }
      return { kind: 'stale', reason: 'the lock file is unreadable' };
    }
    // An old-format lock names a pid only: trust it only while a process with that pid exists that is
    // not this one (after a restart as PID 1, the pid is ours and the old owner is gone).
    if (facts.legacyPid !== self.pid && facts.startTimeNow !== undefined)
      return { kind: 'live', reason: `process ${facts.legacyPid} (old lock format)` };
    return { kind: 'stale', reason: `process ${facts.legacyPid} is gone (old lock format)` };
  }
  if (holder.bootId && self.bootId && holder.bootId !== self.bootId) {
    return { kind: 'stale', reason: `${describeHolder(holder)} ran before the machine restarted` };
  }
  const sameNamespace =
    holder.pidNamespace !== undefined &&
    holder.pidNamespace === self.pidNamespace &&
    holder.hostname === self.hostname;
  if (sameNamespace && holder.startTime !== undefined) {
    if (facts.startTimeNow === holder.startTime) {
      const who = holder.pid === self.pid ? `${describeHolder(holder)} (this one)` : describeHolder(holder);
      return { kind: 'live', reason: who };
    }
    return {
      kind: 'stale',
      reason:
        facts.startTimeNow === undefined
          ? `${describeHolder(holder)} is gone`
          : `${describeHolder(holder)} is gone (its pid now belongs to another process)`,
    };
  }
  // Another PID namespace (or host): only the heartbeat can tell.
  if (facts.ageMs > facts.staleAfterMs) {
    return {
      kind: 'stale',
      reason: `${describeHolder(holder)} (another PID namespace) last refreshed it ${Math.round(facts.ageMs / 1000)} s ago`,
    };
  }
  return {
    kind: 'wait',
    reason: `${describeHolder(holder)} in another PID namespace refreshed it ${Math.round(facts.ageMs / 1000)} s ago`,
    retryInMs: Math.max(100, facts.staleAfterMs - facts.ageMs + 100),
  };
}
