export { type FileLockOptions, withFileLock } from './file-lock.ts';
export { LayoutError, LayoutErrorCode, type LayoutErrorCodeValue } from './layout-error.ts';
export { listRefNames, REF_NAME_ANNOTATION } from './layout-index.ts';
export { type OciArchiveOptions, OciArchiveReader, OciArchiveWriter, tarLayout } from './oci-archive.ts';
export {
  IMAGE_LAYOUT_VERSION,
  OciLayoutDir,
  type OpenLayoutOptions,
  type WriteBlobResult,
} from './oci-layout-dir.ts';
