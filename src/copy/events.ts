/** What the executor reports while it works; the CLI renders these, the service records them. */
export type BlobAction = 'copied' | 'mounted' | 'skipped';

/** A blob of the copy plan. */
export interface PlannedBlob {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
}

export type CopyEvent =
  | {
      readonly type: 'resolved';
      readonly source: string;
      readonly digest: string;
      readonly mediaType: string;
    }
  | { readonly type: 'up-to-date'; readonly destination: string; readonly digest: string }
  | {
      readonly type: 'plan';
      readonly blobs: number;
      readonly totalBytes: number;
      readonly manifests: number;
      /**
       * The blobs to copy, in plan order (largest first), for per-blob progress. Absent when the copy
       * converts the image: the blobs it writes are known only as they are produced (`blob-start`).
       */
      readonly descriptors?: readonly PlannedBlob[] | undefined;
    }
  | {
      readonly type: 'blob-start';
      readonly digest: string;
      readonly size: number;
      /** The descriptor's media type (a config or a layer). */
      readonly mediaType?: string | undefined;
    }
  | { readonly type: 'blob-progress'; readonly digest: string; readonly bytes: number; readonly size: number }
  | {
      readonly type: 'blob-done';
      readonly digest: string;
      readonly size: number;
      readonly action: BlobAction;
    }
  | {
      readonly type: 'blob-retry';
      readonly digest: string;
      readonly attempt: number;
      readonly reason: string;
    }
  | {
      readonly type: 'manifest';
      readonly digest: string;
      readonly mediaType: string;
      readonly reference: string;
    }
  | {
      readonly type: 'artifact';
      readonly kind: 'signature' | 'referrer';
      readonly reference: string;
      readonly digest: string;
      readonly upToDate: boolean;
    }
  | { readonly type: 'warning'; readonly message: string };

export type CopyEventListener = (event: CopyEvent) => void;
