import type { CopyDestination, CopySource } from '../copy/endpoints.ts';
import type { PlatformSpec } from '../oci/platform.ts';

/** One image to sync: a source reference and where it goes. */
export interface SyncItem {
  /** `registry/repo:tag` (or `oci:…` scope) for messages. */
  readonly sourceLabel: string;
  readonly destinationLabel: string;
  readonly source: CopySource;
  /** Tag or digest at the source. */
  readonly reference: string;
  readonly destination: CopyDestination;
  /** Tag at the destination; undefined when the source was named by digest (pushed by digest). */
  readonly destinationTag: string | undefined;
  readonly platforms?: readonly PlatformSpec[] | undefined;
}

/**
 * copied: bytes moved or mounted; up-to-date: destination already had this digest; skipped: the tag
 * exists and --skip-existing; planned: dry run; failed; not-started: stopped after another failure.
 */
export type SyncStatus = 'copied' | 'up-to-date' | 'skipped' | 'planned' | 'failed' | 'not-started';

export interface ByteCounts {
  copied: number;
  mounted: number;
  skipped: number;
}

export interface SyncImageResult {
  readonly source: string;
  readonly destination: string;
  readonly status: SyncStatus;
  readonly digest?: string | undefined;
  /** For a dry run: what would be transferred, mounted and skipped. */
  readonly bytes: ByteCounts;
  readonly durationMs: number;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
}

export interface SyncSummary {
  readonly images: readonly SyncImageResult[];
  readonly counts: Readonly<Record<SyncStatus, number>>;
  readonly bytes: ByteCounts;
  readonly durationMs: number;
  readonly dryRun: boolean;
}

export type SyncEvent =
  | { readonly type: 'image-start'; readonly index: number; readonly item: SyncItem }
  | { readonly type: 'image-done'; readonly index: number; readonly result: SyncImageResult };
