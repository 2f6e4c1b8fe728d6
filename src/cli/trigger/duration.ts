/**
 * Durations on the command line: Go's `time.ParseDuration` shapes that CI users already write for
 * kubectl and helm (`90s`, `15m`, `1h`, `1h30m`, `500ms`). A bare number is refused: whether `15`
 * means seconds or minutes is exactly the kind of guess that makes a pipeline wait an hour.
 */
import { BadUsageError } from '../../errors/kinds.ts';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const WHOLE_RE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART_RE = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Longest accepted duration (a week): beyond this the value is a typo, and timers overflow past ~24 days anyway. */
const MAX_MS = 7 * 24 * 3_600_000;

/** Milliseconds of `text`; throws BadUsageError naming `flag` and the value. */
export function parseDuration(text: string, flag: string): number {
  const value = text.trim();
  if (!WHOLE_RE.test(value)) {
    throw new BadUsageError(
      `${flag} ${JSON.stringify(text)} is not a duration (write e.g. 90s, 15m, 1h or 1h30m)`,
    );
  }
  let ms = 0;
  for (const [, amount, unit] of value.matchAll(PART_RE)) ms += Number(amount) * UNIT_MS[unit!]!;
  ms = Math.round(ms);
  if (ms <= 0) throw new BadUsageError(`${flag} ${JSON.stringify(text)} must be longer than zero`);
  if (ms > MAX_MS) throw new BadUsageError(`${flag} ${JSON.stringify(text)} is longer than a week`);
  return ms;
}

/** `15m`, `1h30m`, `90s` → `1m30s`, `1.5s`, `250ms`: the shortest exact rendering. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1_000;
  return [
    hours > 0 ? `${hours}h` : '',
    minutes > 0 ? `${minutes}m` : '',
    seconds > 0 ? `${Number(seconds.toFixed(3))}s` : '',
  ].join('');
}
