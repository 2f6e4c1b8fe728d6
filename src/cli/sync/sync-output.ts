import type { Writable } from 'node:stream';
import type { SyncEvent, SyncImageResult, SyncSummary } from '../../sync/sync-types.ts';
import { formatBytes, shortDigest } from '../output/format-bytes.ts';

type Out = Writable & { isTTY?: boolean; columns?: number };

const VERB: Readonly<Record<SyncImageResult['status'], string>> = {
  copied: 'Copied image',
  'up-to-date': 'Image up to date',
  skipped: 'Skipped image (exists)',
  // skopeo sync's dry-run wording ("Would have copied image ref 1/1" from=… to=…), which scripts grep.
  planned: 'Would have copied image',
  failed: 'FAILED image',
  'not-started': 'Image not started',
};

const TRANSPORT_PREFIX = /^(?:oci|oci-archive|dir|docker-archive):/;

/** A sync label as skopeo logs references: `docker://` for registry images. */
function transportReference(label: string): string {
  return TRANSPORT_PREFIX.test(label) ? label : `docker://${label}`;
}

/**
 * One line per finished image; on a terminal also an overall line (images done / bytes moved) kept
 * at the bottom and redrawn at most every 100 ms. In CI logs only the per-image lines appear.
 */
export function syncProgress(out: Out, total: number) {
  let done = 0;
  let bytes = 0;
  let last = 0;
  let barShown = false;
  const bar = () => `[${done}/${total} images] ${formatBytes(bytes)} transferred`;
  const clear = () => {
    if (barShown) out.write('\r\u001b[2K');
    barShown = false;
  };
  const draw = () => {
    if (!out.isTTY) return;
    clear();
    out.write(bar());
    barShown = true;
  };
  return {
    onEvent(event: SyncEvent) {
      if (event.type !== 'image-done') return;
      done++;
      clear();
      out.write(`${imageLine(event.result)}\n`);
      draw();
    },
    onBytes(n: number) {
      bytes += n;
      const now = Date.now();
      if (now - last >= 100) {
        last = now;
        draw();
      }
    },
    finish() {
      clear();
    },
  };
}

export function imageLine(r: SyncImageResult): string {
  const digest = r.digest ? ` ${shortDigest(r.digest)}` : '';
  const moved =
    r.status === 'copied' || r.status === 'planned'
      ? ` (${formatBytes(r.bytes.copied)} ${r.status === 'planned' ? 'to transfer' : 'copied'}, ${formatBytes(r.bytes.mounted)} ${r.status === 'planned' ? 'to mount' : 'mounted'}, ${formatBytes(r.bytes.skipped)} present)`
      : '';
  const error = r.error ? `: ${r.error.message} [${r.error.code}]` : '';
  const from = JSON.stringify(transportReference(r.source));
  const to = JSON.stringify(transportReference(r.destination));
  return `${VERB[r.status]} from=${from} to=${to}${digest}${moved}${error}`;
}

/**
 * The closing summary, opening with skopeo's words ("Synced N images from M sources", "Would have
 * synced …" in a dry run); failures get a table of their own so they are not lost in the log.
 */
export function summaryText(summary: SyncSummary, sources: number): string {
  const c = summary.counts;
  const lines: string[] = [];
  const head = summary.dryRun
    ? `Would have synced ${c.planned + c['up-to-date']} images from ${sources} sources (dry run: ${c.planned} to sync, ${c['up-to-date']} up to date, ${c.skipped} skipped)`
    : `Synced ${c.copied + c['up-to-date']} images from ${sources} sources: ${c.copied} copied, ${c['up-to-date']} up to date, ${c.skipped} skipped, ${c.failed} failed${c['not-started'] ? `, ${c['not-started']} not started` : ''}`;
  const b = summary.bytes;
  lines.push(
    `${head}; ${formatBytes(b.copied)} ${summary.dryRun ? 'to transfer' : 'transferred'}, ${formatBytes(b.mounted)} ${summary.dryRun ? 'to mount' : 'mounted'}, ${formatBytes(b.skipped)} already present; ${(summary.durationMs / 1000).toFixed(2)}s`,
  );
  const failed = summary.images.filter((r) => r.status === 'failed');
  if (failed.length > 0) {
    lines.push('', 'FAILED IMAGE | ERROR');
    for (const r of failed)
      lines.push(`${r.source} | ${r.error?.message ?? 'unknown error'} [${r.error?.code ?? ''}]`);
  }
  return `${lines.join('\n')}\n`;
}
