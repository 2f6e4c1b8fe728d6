import type { Writable } from 'node:stream';
import type { CopyEvent } from '../../copy/events.ts';
import { lineProgress } from './line-progress.ts';
import { ttyProgress } from './tty-progress.ts';

/** Bars on a terminal, one line per blob/manifest otherwise (CI logs). */
export function progressFor(out: Writable & { isTTY?: boolean; columns?: number }): {
  onEvent: (e: CopyEvent) => void;
  finish: () => void;
} {
  if (out.isTTY) return ttyProgress(out);
  return { onEvent: lineProgress(out), finish: () => undefined };
}
