/** Small display helpers shared by the views. */

/** `sha256:4f2a9c…` → `sha256:4f2a9c1b2d3e` (12 hex digits: enough to tell digests apart at a glance). */
export function shortDigest(digest: string | null): string {
  if (digest === null) return '—';
  const colon = digest.indexOf(':');
  return colon < 0
    ? digest.slice(0, 12)
    : `${digest.slice(0, colon + 1)}${digest.slice(colon + 1, colon + 13)}`;
}

/** 1536 → `1.5 KB` (decimal units, as registries and `skopeo` print them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** `registry/repository:tag` (or `@digest` when there is no tag). */
export function imageName(side: {
  registry: string;
  repository: string;
  tag: string | null;
  digest?: string | null;
}): string {
  const base = `${side.registry}/${side.repository}`;
  if (side.tag !== null) return `${base}:${side.tag}`;
  return side.digest ? `${base}@${side.digest}` : base;
}

/** `awaiting_approval` → `awaiting approval`. */
export function statusLabel(status: string): string {
  return status.replaceAll('_', ' ');
}
