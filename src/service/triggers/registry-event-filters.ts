/**
 * Which registry push events can start a promotion, shared by the distribution and Harbor parsers.
 * A registry reports every blob and every manifest it receives; only a manifest or index pushed under a
 * tag is something a person released. Child manifests of a multi-arch index arrive by digest (no tag),
 * layers are blobs, and the tags cosign and the referrers fallback invent are attachments that travel
 * with their image, never promotions of their own.
 */

import { canonicalRegistryHost } from '../../api/field-rules.ts';
import { ErrorCode } from '../../errors/codes.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import { MediaType } from '../../oci/media-types.ts';
import { registryHostProblem } from '../../reference/index.ts';

/** OCI index/manifest and Docker manifest list/v2 schema 2. Schema 1 is absent: ferry refuses it. */
export const PROMOTABLE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  MediaType.OciIndex,
  MediaType.OciManifest,
  MediaType.DockerManifestList,
  MediaType.DockerManifest,
]);

/**
 * `sha256-<hex>` (OCI distribution-spec referrers tag schema) and cosign's `sha256-<hex>.sig` /
 * `.att` / `.sbom`.
 */
const ATTACHMENT_TAG_RE = /^sha(?:256|512)-[0-9a-f]{64,128}(?:\.[a-z]+)?$/;

export function isAttachmentTag(tag: string): boolean {
  return ATTACHMENT_TAG_RE.test(tag);
}

export interface RegistryEventOptions {
  /**
   * Registry host to attribute events to, instead of the one the event names (distribution's
   * `request.host` is whatever Host header the pushing client used, which behind a proxy or in a
   * compose network may be an internal name such as `registry:5000`).
   */
  readonly registryHost?: string | undefined;
}

/** The configured registryHost, checked and canonical; a bad value is a server config error (5xx). */
export function configuredRegistryHost(options: RegistryEventOptions): string | undefined {
  if (options.registryHost === undefined) return undefined;
  const reason = registryHostProblem(options.registryHost);
  if (reason !== undefined) {
    throw new FerryError(
      ErrorCode.BadUsage,
      `configured registry host for push events is invalid: ${reason}`,
    );
  }
  return canonicalRegistryHost(options.registryHost);
}
