/**
 * How long ago, in the one unit that matters at a glance (kubectl's AGE column): `45s`, `12m`, `3h`,
 * `6d`. Exact times are in `show` and in `--json`.
 */
export function formatAge(since: Date | string, now: Date = new Date()): string {
  const then = typeof since === 'string' ? new Date(since) : since;
  const seconds = Math.max(0, Math.floor((now.getTime() - then.getTime()) / 1000));
  if (Number.isNaN(seconds)) return '?';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}
