import type { Writable } from 'node:stream';
import type { CopyEvent } from '../../copy/events.ts';
import { formatBytes, shortDigest } from './format-bytes.ts';

/**
 * One line per blob and manifest, for CI logs (no carriage returns or escape codes, which turn
 * Jenkins and GitHub Actions logs into noise: skopeo#658).
 */
export function lineProgress(out: Writable): (event: CopyEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'resolved':
        out.write(`Source ${event.source}@${event.digest}\n`);
        break;
      case 'up-to-date':
        out.write(`Destination ${event.destination} already has ${event.digest}, nothing to copy\n`);
        break;
      case 'plan':
        out.write(
          `Copying ${event.blobs} blobs (${formatBytes(event.totalBytes)}) and ${event.manifests} manifests\n`,
        );
        break;
      case 'blob-done':
        out.write(`Blob ${shortDigest(event.digest)} ${formatBytes(event.size)}: ${event.action}\n`);
        break;
      case 'blob-retry':
        out.write(`Blob ${shortDigest(event.digest)}: retry ${event.attempt} after: ${event.reason}\n`);
        break;
      case 'manifest':
        out.write(
          `Manifest ${shortDigest(event.digest)} written as ${event.reference.startsWith('sha256:') ? shortDigest(event.reference) : event.reference}\n`,
        );
        break;
      case 'artifact': {
        const ref = event.reference.startsWith('sha256:') ? shortDigest(event.reference) : event.reference;
        out.write(
          `${event.kind === 'signature' ? 'Signature' : 'Referrer'} ${ref}: ${event.upToDate ? 'up to date' : 'copied'}\n`,
        );
        break;
      }
      case 'warning':
        out.write(`Warning: ${event.message}\n`);
        break;
      default:
        break;
    }
  };
}
