/**
 * The layout's `index.json` (image-layout.md "index.json file": an image index whose `manifests`
 * entries are the layout's entry points, named by the `org.opencontainers.image.ref.name`
 * annotation, annotations.md "Pre-Defined Annotation Keys").
 *
 * Edits work on the raw JSON object rather than the zod-parsed one, so fields ferry does not model
 * (other annotations, vendor extensions) written by other tools survive a read-modify-write.
 */
import { type Descriptor, type ImageIndex, parseManifest } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import { LayoutError, LayoutErrorCode } from './layout-error.ts';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';

export interface LayoutIndex {
  /** The JSON object as read, kept for rewriting. */
  readonly raw: Record<string, unknown>;
  /** The validated view. */
  readonly index: ImageIndex;
}

export function emptyIndexJson(): string {
  return `${JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] })}\n`;
}

export function parseLayoutIndex(bytes: Uint8Array, layoutPath: string): LayoutIndex {
  let parsed: ImageIndex;
  try {
    const result = parseManifest(bytes, MediaType.OciIndex, `${layoutPath}/index.json`);
    if (result.kind !== 'index') throw new Error('index.json is an image manifest, not an image index');
    parsed = result.manifest;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new LayoutError(
      LayoutErrorCode.BadIndex,
      layoutPath,
      `invalid index.json in ${layoutPath}: ${reason}`,
      {
        cause,
      },
    );
  }
  // parseManifest already proved this is JSON with an object at the root.
  const raw = JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>;
  return { raw, index: parsed };
}

export function refNameOf(desc: Descriptor): string | undefined {
  return desc.annotations?.[REF_NAME_ANNOTATION];
}

/** Distinct ref names in index order. */
export function listRefNames(index: ImageIndex): string[] {
  const names = new Set<string>();
  for (const m of index.manifests) {
    const name = refNameOf(m);
    if (name !== undefined) names.add(name);
  }
  return [...names];
}

/**
 * The descriptor for `refName`, or with no name the only manifest (containers/image oci transport
 * `getManifestDescriptor`: an unnamed reference is accepted when index.json holds exactly one entry).
 * With several entries of one name the first wins, as in containers/image.
 */
export function findDescriptor(
  index: ImageIndex,
  refName: string | undefined,
  layoutPath: string,
): Descriptor {
  if (refName === undefined || refName === '') {
    const only = index.manifests[0];
    if (index.manifests.length !== 1 || only === undefined) {
      throw new LayoutError(
        LayoutErrorCode.AmbiguousRef,
        layoutPath,
        `${layoutPath} holds ${index.manifests.length} manifests; name one (oci:${layoutPath}:NAME)` +
          (index.manifests.length > 0 ? `; names: ${listRefNames(index).join(', ') || '(none)'}` : ''),
      );
    }
    return only;
  }
  const found = index.manifests.find((m) => refNameOf(m) === refName);
  if (found === undefined) {
    throw new LayoutError(
      LayoutErrorCode.RefNotFound,
      layoutPath,
      `no image named "${refName}" in ${layoutPath} (names: ${listRefNames(index).join(', ') || '(none)'})`,
    );
  }
  return found;
}

/**
 * A new raw index with `descriptor` named `refName`: entries already carrying that name are removed
 * (a name points at one manifest, as with a registry tag; containers/image oci_dest `updateIndex`
 * does the same). Without a name the descriptor is added unless an unnamed entry with its digest exists.
 */
export function withEntry(
  current: LayoutIndex,
  refName: string | undefined,
  descriptor: Descriptor,
): Record<string, unknown> {
  const rawEntries = Array.isArray(current.raw['manifests']) ? (current.raw['manifests'] as unknown[]) : [];
  const entry: Descriptor = {
    ...descriptor,
    annotations:
      refName === undefined
        ? descriptor.annotations
        : { ...(descriptor.annotations ?? {}), [REF_NAME_ANNOTATION]: refName },
  };
  if (entry.annotations === undefined) delete entry.annotations;
  const kept = rawEntries.filter((_, i) => {
    const parsed = current.index.manifests[i];
    if (parsed === undefined) return true;
    const name = refNameOf(parsed);
    if (refName !== undefined) return name !== refName;
    return !(name === undefined && parsed.digest === descriptor.digest);
  });
  return {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    ...current.raw,
    manifests: [...kept, entry],
  };
}
