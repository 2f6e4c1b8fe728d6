/**
 * Errors of the local transports: OCI image layout (`oci:`), its archive (`oci-archive:`), the
 * containers/image directory (`dir:`) and the docker save format (`docker-archive:`). Codes are stable
 * (`FERRY_E_LAYOUT_*`); messages name the layout path so a user can find the directory or tarball.
 * Content that does not match its digest is not a layout error: it raises the shared
 * `FERRY_E_DIGEST_MISMATCH` (DigestMismatchError / DigestVerifier) like every other transport.
 */
import { FerryError, type FerryErrorOptions } from '../errors/ferry-error.ts';

export const LayoutErrorCode = {
  /** The directory exists but is not an OCI image layout (no / bad `oci-layout` file). */
  NotALayout: 'FERRY_E_LAYOUT_NOT_A_LAYOUT',
  /** `oci-layout` names an `imageLayoutVersion` we do not understand. */
  UnsupportedVersion: 'FERRY_E_LAYOUT_UNSUPPORTED_VERSION',
  /** `index.json` is missing, not JSON, or not an image index. */
  BadIndex: 'FERRY_E_LAYOUT_BAD_INDEX',
  /** No `index.json` entry carries the requested `org.opencontainers.image.ref.name`. */
  RefNotFound: 'FERRY_E_LAYOUT_REF_NOT_FOUND',
  /** No name given and the index does not hold exactly one manifest. */
  AmbiguousRef: 'FERRY_E_LAYOUT_AMBIGUOUS_REF',
  /** `blobs/<alg>/<hex>` does not exist. */
  BlobNotFound: 'FERRY_E_LAYOUT_BLOB_NOT_FOUND',
  /** Could not take `index.json.lock` in time (another writer holds it). Temporary. */
  LockTimeout: 'FERRY_E_LAYOUT_LOCK_TIMEOUT',
  /** The tarball is truncated, has a bad header checksum, or an entry type we do not extract. */
  BadArchive: 'FERRY_E_LAYOUT_BAD_ARCHIVE',
  /** A tar entry would be written outside the extraction directory (absolute path or `..`). */
  UnsafePath: 'FERRY_E_LAYOUT_UNSAFE_PATH',
  /**
   * `dir:`: the destination exists, is not empty and is not a previous `dir:` image (no `version`
   * file with the expected content); or a source directory has no `manifest.json`.
   */
  NotAnImageDir: 'FERRY_E_LAYOUT_NOT_AN_IMAGE_DIR',
  /** `docker-archive:`: the destination file exists and is not empty (skopeo refuses to modify it). */
  ArchiveExists: 'FERRY_E_LAYOUT_ARCHIVE_EXISTS',
  /** `docker-archive:` holds single images only; the source is a manifest list / index. */
  MultipleImages: 'FERRY_E_LAYOUT_MULTIPLE_IMAGES',
  /** A layer or archive compressed with bzip2 or xz, which node:zlib cannot read. */
  UnsupportedCompression: 'FERRY_E_LAYOUT_UNSUPPORTED_COMPRESSION',
  /** A manifest blob is larger than we are willing to buffer. */
  ManifestTooLarge: 'FERRY_E_LAYOUT_MANIFEST_TOO_LARGE',
} as const;

export type LayoutErrorCodeValue = (typeof LayoutErrorCode)[keyof typeof LayoutErrorCode];

export class LayoutError extends FerryError {
  /** Layout directory or archive file the problem is in. */
  readonly path: string;
  constructor(code: LayoutErrorCodeValue, path: string, message: string, options: FerryErrorOptions = {}) {
    super(code, message, options);
    this.path = path;
  }
}
