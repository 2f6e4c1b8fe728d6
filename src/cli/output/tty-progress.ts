import type { Writable } from 'node:stream';
import type { CopyEvent } from '../../copy/events.ts';
import { formatBytes, shortDigest } from './format-bytes.ts';

interface BlobRow {
  digest: string;
  size: number;
  bytes: number;
  state: string;
}

/**
 * Progress bars on a terminal: one row per active/finished blob, redrawn at most 10× a second.
 * Messages (warnings, manifests) print above the bars.
 */
export function ttyProgress(out: Writable & { columns?: number }): {
  onEvent: (e: CopyEvent) => void;
  finish: () => void;
} {
  const rows = new Map<string, BlobRow>();
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;

  const draw = () => {
    timer = undefined;
    const width = Math.max(20, Math.min(40, (out.columns ?? 80) - 50));
    let text = drawn > 0 ? `\x1b[${drawn}A` : '';
    for (const row of rows.values()) {
      const ratio = row.size > 0 ? Math.min(1, row.bytes / row.size) : 1;
      const filled = Math.round(ratio * width);
      const bar = `${'='.repeat(filled)}${' '.repeat(width - filled)}`;
      text += `\x1b[2K${shortDigest(row.digest)} [${bar}] ${formatBytes(row.bytes)} / ${formatBytes(row.size)} ${row.state}\n`;
    }
    drawn = rows.size;
    out.write(text);
  };
  const schedule = () => {
    timer ??= setTimeout(draw, 100);
  };
  const message = (line: string) => {
    if (drawn > 0) out.write(`\x1b[${drawn}A\x1b[J`);
    drawn = 0;
    out.write(`${line}\n`);
    schedule();
  };

  return {
    onEvent(event) {
      switch (event.type) {
        case 'blob-start':
          rows.set(event.digest, { digest: event.digest, size: event.size, bytes: 0, state: '' });
          schedule();
          break;
        case 'blob-progress': {
          const row = rows.get(event.digest);
          if (row) row.bytes = event.bytes;
          schedule();
          break;
        }
        case 'blob-done': {
          const row = rows.get(event.digest);
          if (row) {
            row.bytes = row.size;
            row.state = event.action;
          }
          schedule();
          break;
        }
        case 'blob-retry':
          message(`Blob ${shortDigest(event.digest)}: retry ${event.attempt}: ${event.reason}`);
          break;
        case 'up-to-date':
          message(`Destination already has ${event.digest}, nothing to copy`);
          break;
        case 'warning':
          message(`Warning: ${event.message}`);
          break;
        default:
          break;
      }
    },
    finish() {
      if (timer) clearTimeout(timer);
      if (rows.size > 0) draw();
    },
  };
}
