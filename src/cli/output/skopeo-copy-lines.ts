/**
 * The report lines skopeo 1.9 prints on standard output during a copy when it is not a terminal
 * (containers/image v5.23 copy): "Getting image source signatures", "Copying blob <digest>" as each
 * layer starts (whether it is then sent, mounted or found), "Copying config <digest>" for the
 * config, "Writing manifest to image destination", "Signing manifest using a sigstore signature" when
 * signing, "Storing signatures". Scripts and test suites grep
 * for them; ferry's own progress stays on standard error.
 */
import type { Writable } from 'node:stream';
import type { CopyEvent } from '../../copy/events.ts';

export function skopeoCopyLines(out: Writable): {
  onEvent: (e: CopyEvent) => void;
  signing: () => void;
  finish: () => void;
} {
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
        case 'blob-start':
          start();
          out.write(`Copying ${isConfig(event.mediaType) ? 'config' : 'blob'} ${event.digest}\n`);
          break;
        case 'manifest':
        case 'up-to-date':
          manifest();
          break;
        default:
          break;
      }
    },
    // containers/image prints it once per signed manifest, after writing that manifest.
    signing: () => {
      manifest();
      out.write('Signing manifest using a sigstore signature\n');
    },
    finish: () => {
      manifest();
      out.write('Storing signatures\n');
    },
  };
}

/** Image config media types: Docker's, OCI's and artifacts' (`….config.v1+json` and the like). */
function isConfig(mediaType: string | undefined): boolean {
  return mediaType !== undefined && /container\.image\.v1\+json$|\.config\./.test(mediaType);
}
