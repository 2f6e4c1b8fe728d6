import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { sha256Digest } from '../oci/digest.ts';
import { type Descriptor, imageBlobs, type ParsedManifest } from '../oci/manifest.ts';
import { formatPlatform, type PlatformSpec, platformMatches } from '../oci/platform.ts';

/** A manifest as it will be pushed: exact bytes, their digest and media type. */
export interface PlannedManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly bytes: Uint8Array;
}

/** The source as fetched: the top manifest and every manifest it references (for an index). */
export interface SourceTree {
  readonly digest: string;
  readonly top: ParsedManifest;
  /** Child manifests by digest (index entries; nested indexes included). */
  readonly children: ReadonlyMap<string, ParsedManifest>;
}

export interface PlanOptions {
  /** Subset of platforms to copy; empty/undefined ⇒ everything, digest preserved. */
  readonly platforms?: readonly PlatformSpec[] | undefined;
}

export interface CopyPlan {
  /** Distinct blobs to make present at the destination, largest first (long poles start early). */
  readonly blobs: readonly Descriptor[];
  /** Manifests to push by digest before the top one, children before parents. */
  readonly manifests: readonly PlannedManifest[];
  /** The manifest the destination tag will point at; pushed last. */
  readonly top: PlannedManifest;
  readonly totalBytes: number;
  /** True when platform selection produced a manifest the source does not have. */
  readonly digestChanged: boolean;
  readonly warnings: readonly string[];
}

/**
 * Decide what must move, without I/O. The whole index is copied byte-for-byte by default so the
 * digest the tests ran against is the digest production runs; a platform subset is opt-in and
 * necessarily yields a new digest (a single platform ⇒ its image manifest; several ⇒ a filtered index).
 */
export function planCopy(tree: SourceTree, options: PlanOptions = {}): CopyPlan {
  const warnings: string[] = [];
  const platforms = options.platforms ?? [];
  let top: PlannedManifest = { digest: tree.digest, mediaType: tree.top.mediaType, bytes: tree.top.bytes };
  let roots: ParsedManifest = tree.top;
  let digestChanged = false;

  if (platforms.length > 0) {
    if (tree.top.kind !== 'index') {
      warnings.push('source is a single-platform image; --platform has no effect');
    } else {
      const index = tree.top.manifest;
      // Positions, not digests: one manifest may be listed under several platforms (amd64 and 386).
      const positions = new Set<number>();
      for (const spec of platforms) {
        const before = positions.size;
        index.manifests.forEach((d, i) => {
          if (platformMatches(spec, d.platform)) positions.add(i);
        });
        if (positions.size === before && !index.manifests.some((d) => platformMatches(spec, d.platform))) {
          const available = index.manifests.map((d) => formatPlatform(d.platform)).join(', ');
          throw new FerryError(
            ErrorCode.NoMatchingPlatform,
            `no manifest for platform ${formatPlatform(spec)} in ${tree.digest} (available: ${available})`,
          );
        }
      }
      const kept = [...positions].sort((a, b) => a - b);
      const selected = kept.map((i) => index.manifests[i]!);
      const distinct = new Set(selected.map((d) => d.digest));
      if (kept.length === index.manifests.length) {
        // Every entry selected: keep the original index and its digest.
      } else if (distinct.size === 1) {
        const only = selected[0]!;
        const child = requireChild(tree, only.digest);
        top = { digest: only.digest, mediaType: child.mediaType, bytes: child.bytes };
        roots = child;
        digestChanged = true;
      } else {
        // Filter the raw JSON, not the schema-parsed copy, so kept entries stay exact (fields our schema
        // does not model, such as descriptor `data` or platform `features`, survive).
        const raw = JSON.parse(new TextDecoder().decode(tree.top.bytes)) as { manifests: unknown[] };
        raw.manifests = kept.map((i) => raw.manifests[i]);
        const bytes = new TextEncoder().encode(JSON.stringify(raw));
        const filtered = { ...index, manifests: selected };
        top = { digest: sha256Digest(bytes), mediaType: tree.top.mediaType, bytes };
        roots = { kind: 'index', mediaType: tree.top.mediaType, bytes, manifest: filtered };
        digestChanged = true;
      }
      if (digestChanged) {
        warnings.push(
          `copying ${selected.map((d) => formatPlatform(d.platform)).join(', ')} only: the destination digest ` +
            `${top.digest} differs from the source index ${tree.digest}`,
        );
      }
    }
  }

  const blobs = new Map<string, Descriptor>();
  const manifests: PlannedManifest[] = [];
  const seen = new Set<string>();
  const visit = (m: ParsedManifest): void => {
    if (m.kind === 'image') {
      for (const blob of imageBlobs(m.manifest)) if (!blobs.has(blob.digest)) blobs.set(blob.digest, blob);
      return;
    }
    for (const entry of m.manifest.manifests) {
      if (seen.has(entry.digest)) continue;
      seen.add(entry.digest);
      const child = requireChild(tree, entry.digest);
      visit(child);
      manifests.push({ digest: entry.digest, mediaType: child.mediaType, bytes: child.bytes });
    }
  };
  visit(roots);

  const sorted = [...blobs.values()].sort((a, b) => b.size - a.size);
  const totalBytes = sorted.reduce((sum, b) => sum + b.size, 0);
  return { blobs: sorted, manifests, top, totalBytes, digestChanged, warnings };
}

function requireChild(tree: SourceTree, digest: string): ParsedManifest {
  const child = tree.children.get(digest);
  if (!child)
    throw new FerryError(
      ErrorCode.BadManifest,
      `index ${tree.digest} references ${digest}, which was not fetched`,
    );
  return child;
}
