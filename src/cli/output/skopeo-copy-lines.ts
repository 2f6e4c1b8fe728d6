/**
 * The report lines skopeo prints on standard output during a copy when it is not a terminal
 * (containers/image v5.23 copy: "Getting image source signatures", "Copying blob <digest>" with
 * "skipped: already exists" for blobs the destination has, "Writing manifest to image destination",
 * "Storing signatures"). Scripts and test suites grep for them; ferry's own progress stays on
 * standard error. Mounted blobs count as already there, as in skopeo (it reports a cross-repository
 * mount as a reused blob).
 */
import type { Writable } from 'node:stream';
import type { CopyEvent } from '../../copy/events.ts';

export function skopeoCopyLines(out: Writable): { onEvent: (e: CopyEvent) => void; finish: () => void } {
  let started = false;
  let writingManifest = false;
  const start = () => {
    if (started) return;
    started = true;
    out.write('Getting image source signatures\n');
  };
  const manifest = () => {
    start();
    if (writingManifest) return;
    writingManifest = true;
    out.write('Writing manifest to image destination\n');
  };
  return {
    onEvent: (event) => {
      switch (event.type) {
        case 'resolved':
          start();
          break;
        case 'blob-done':
          start();
          out.write(
            event.action === 'copied'
              ? `Copying blob ${event.digest}\n`
              : `Copying blob ${event.digest} skipped: already exists\n`,
          );
          break;
        case 'manifest':
        case 'up-to-date':
          manifest();
          break;
        default:
          break;
      }
    },
    finish: () => {
      manifest();
      out.write('Storing signatures\n');
    },
  };
}
