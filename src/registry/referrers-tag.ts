import { digestToTagPrefix } from '../oci/digest.ts';
import type { Descriptor } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import { getManifest, putManifest } from './manifests.ts';
import type { RepositoryContext } from './repository-context.ts';

/** The `subject` of a manifest about to be pushed, and the descriptor a referrers list shows for it. */
export interface SubjectLink {
  readonly subject: string;
  readonly referrer: Descriptor;
}

/**
 * The subject a manifest points at, if any (image-spec "subject"), and its referrers-list entry:
 * `artifactType` is the manifest's own or, for an image manifest, its config media type; annotations
 * are the manifest's (distribution-spec "Listing Referrers").
 */
export function subjectLink(bytes: Uint8Array, mediaType: string, digest: string): SubjectLink | undefined {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    return undefined; // not ours to judge here: the registry answers for bad manifests
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const m = json as {
    subject?: { digest?: unknown };
    artifactType?: unknown;
    config?: { mediaType?: unknown };
    annotations?: unknown;
  };
  const subject = m.subject?.digest;
  if (typeof subject !== 'string') return undefined;
  const artifactType =
    typeof m.artifactType === 'string'
      ? m.artifactType
      : typeof m.config?.mediaType === 'string'
        ? m.config.mediaType
        : undefined;
  const annotations =
    typeof m.annotations === 'object' && m.annotations !== null
      ? (m.annotations as Record<string, string>)
      : undefined;
  return {
    subject,
    referrer: {
      mediaType,
      digest,
      size: bytes.byteLength,
      ...(artifactType ? { artifactType } : {}),
      ...(annotations ? { annotations } : {}),
    },
  };
}

/**
 * Keeps the referrers tag schema (`sha256-<hex>`, an OCI index of the subject's referrers) up to date on
 * a registry without the referrers API: distribution-spec "Pushing Manifests with Subject" asks the
 * client to do this when the PUT response carries no `OCI-Subject` header. Without it, referrers copied
 * to such a registry would be stored but found by nobody.
 *
 * Read-modify-write of one tag: updates for the same subject through this object are serialised, so the
 * referrers of one image copied in parallel do not overwrite each other. (Other clients writing the same
 * tag at the same moment can still race; the spec accepts that.)
 */
export class ReferrersTagWriter {
  readonly #ctx: RepositoryContext;
  readonly #pending = new Map<string, Promise<void>>();

  constructor(ctx: RepositoryContext) {
    this.#ctx = ctx;
  }

  add(link: SubjectLink, signal?: AbortSignal): Promise<void> {
    const previous = this.#pending.get(link.subject) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.#update(link, signal));
    this.#pending.set(link.subject, next);
    const forget = () => {
      if (this.#pending.get(link.subject) === next) this.#pending.delete(link.subject);
    };
    next.then(forget, forget);
    return next;
  }

  async #update(link: SubjectLink, signal?: AbortSignal): Promise<void> {
    const tag = digestToTagPrefix(link.subject);
    const current = (await getManifest(this.#ctx, tag, signal))?.parsed;
    if (current) {
      // Something else under that tag (not an index): leave it alone rather than destroy it.
      if (current.kind !== 'index') return;
      if (current.manifest.manifests.some((d) => d.digest === link.referrer.digest)) return;
    }
    // Edit the raw JSON, not the parsed copy, so entries and fields written by other tools survive.
    const raw: Record<string, unknown> = current
      ? (JSON.parse(Buffer.from(current.bytes).toString('utf8')) as Record<string, unknown>)
      : { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
    const manifests = Array.isArray(raw.manifests) ? raw.manifests : [];
    const bytes = new TextEncoder().encode(
      JSON.stringify({ ...raw, manifests: [...manifests, link.referrer] }),
    );
    await putManifest(this.#ctx, tag, bytes, MediaType.OciIndex, signal);
  }
}
