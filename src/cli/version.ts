import pkg from '../../package.json' with { type: 'json' };

export const VERSION: string = pkg.version;

/** The skopeo release whose command line ferry follows (docs/skopeo-compatibility.md). */
export const SKOPEO_COMPATIBLE_VERSION = '1.9.3';

/**
 * `ferry --version`. It names the skopeo version whose command line ferry takes, in the words
 * `skopeo --version` uses ("skopeo version 1.9.3"), so scripts that check which skopeo they run
 * (skopeo's own test suite does) accept ferry in its place.
 */
export function versionLine(): string {
  return `ferry version ${VERSION} (compatible with skopeo version ${SKOPEO_COMPATIBLE_VERSION})`;
}
