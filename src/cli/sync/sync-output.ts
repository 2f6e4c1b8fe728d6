import type { Writable } from 'node:stream';
import type { SyncEvent, SyncImageResult, SyncSummary } from '../../sync/sync-types.ts';
import { formatBytes, shortDigest } from '../output/format-bytes.ts';

type Out = Writable & { isTTY?: boolean; columns?: number };

const VERB: Readonly<Record<SyncImageResult['status'], string>> = {
  copied: 'copied',
  'up-to-date': 'up to date',
  skipped: 'skipped (exists)',
  planned: 'would sync',
  failed: 'FAILED',
  'not-started': 'not started',
};

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
  return `${VERB[r.status]} ${r.source} → ${r.destination}${digest}${moved}${error}`;
}

/** The closing summary; failures get a table of their own so they are not lost in the log. */
export function summaryText(summary: SyncSummary): string {
  const c = summary.counts;
  const lines: string[] = [];
  const head = summary.dryRun
    ? `Dry run: ${summary.images.length} images; ${c.planned} to sync, ${c['up-to-date']} up to date, ${c.skipped} skipped`
    : `Synced ${summary.images.length} images: ${c.copied} copied, ${c['up-to-date']} up to date, ${c.skipped} skipped, ${c.failed} failed${c['not-started'] ? `, ${c['not-started']} not started` : ''}`;
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
