// zod/mini, not zod: this module is on the path of every copy, and zod's classic API evaluates its
// whole chainable surface (~450 KB minified) when imported. zod/mini builds the same schemas from
// tree-shakable functions (~25 KB with the English messages below; scripts/build.mjs keeps it apart
// from the classic API the service uses). Measured on the no-op copy: loading zod was ~10% of its CPU.

import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { isDigest } from './digest.ts';
import { IMAGE_MEDIA_TYPES, INDEX_MEDIA_TYPES, MediaType, SCHEMA1_MEDIA_TYPES } from './media-types.ts';

const platformSchema = z.object({
  architecture: z.string(),
  os: z.string(),
  variant: z.optional(z.string()),
  'os.version': z.optional(z.string()),
  'os.features': z.optional(z.array(z.string())),
});

const descriptorSchema = z.object({
  mediaType: z.string(),
  digest: z.string().check(z.refine(isDigest, 'invalid digest')),
  size: z.int().check(z.nonnegative()),
  urls: z.optional(z.array(z.string())),
  annotations: z.optional(z.record(z.string(), z.string())),
  platform: z.optional(platformSchema),
  artifactType: z.optional(z.string()),
});

const imageManifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.optional(z.string()),
  artifactType: z.optional(z.string()),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  subject: z.optional(descriptorSchema),
  annotations: z.optional(z.record(z.string(), z.string())),
});

const indexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.optional(z.string()),
  artifactType: z.optional(z.string()),
  manifests: z.array(descriptorSchema),
  subject: z.optional(descriptorSchema),
  annotations: z.optional(z.record(z.string(), z.string())),
});

/**
 * zod/mini leaves issue messages as "Invalid input" unless given a locale; the English one is passed
 * per parse (no process-wide `z.config`), so a malformed manifest is still explained ("expected int,
 * received number") and messages are only built when a manifest is rejected.
 */
const PARSE_OPTIONS = { error: en().localeError };

export type Platform = z.infer<typeof platformSchema>;
export type Descriptor = z.infer<typeof descriptorSchema>;
export type ImageManifest = z.infer<typeof imageManifestSchema>;
export type ImageIndex = z.infer<typeof indexSchema>;

/** A manifest as fetched: the exact bytes (digests are over these, never over re-serialised JSON). */
export type ParsedManifest =
  | {
      readonly kind: 'image';
      readonly mediaType: string;
      readonly bytes: Uint8Array;
      readonly manifest: ImageManifest;
    }
  | {
      readonly kind: 'index';
      readonly mediaType: string;
      readonly bytes: Uint8Array;
      readonly manifest: ImageIndex;
    };

/**
 * Parse manifest bytes. The media type comes from the body's `mediaType` when present, else from the
 * response Content-Type (OCI 1.0 manifests may omit the field). Schema1 is refused: it cannot be
 * pushed unchanged to modern registries and its digest semantics differ (signed JWS).
 */
export function parseManifest(
  bytes: Uint8Array,
  contentType: string | undefined,
  what: string,
): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (cause) {
    throw new FerryError(ErrorCode.BadManifest, `manifest of ${what} is not valid JSON`, { cause });
  }
  const bodyType =
    typeof json === 'object' && json !== null && 'mediaType' in json && typeof json.mediaType === 'string'
      ? json.mediaType
      : undefined;
  const schemaVersion =
    typeof json === 'object' && json !== null && 'schemaVersion' in json ? json.schemaVersion : undefined;
  const ct = contentType?.split(';')[0]?.trim();
  let mediaType = bodyType ?? ct ?? '';
  if (schemaVersion === 1 || SCHEMA1_MEDIA_TYPES.has(mediaType)) {
    throw new FerryError(
      ErrorCode.UnsupportedManifest,
      `${what} is a Docker schema1 manifest, which ferry does not copy (deprecated since 2017; rebuild or convert the image)`,
    );
  }
  if (!INDEX_MEDIA_TYPES.has(mediaType) && !IMAGE_MEDIA_TYPES.has(mediaType)) {
    // OCI allows omitting mediaType; infer from shape (`manifests` ⇒ index, `config` ⇒ image).
    if (typeof json === 'object' && json !== null && 'manifests' in json) mediaType = MediaType.OciIndex;
    else if (typeof json === 'object' && json !== null && 'config' in json) mediaType = MediaType.OciManifest;
    else
      throw new FerryError(ErrorCode.UnsupportedManifest, `${what} has unsupported media type ${mediaType}`);
  }
  if (INDEX_MEDIA_TYPES.has(mediaType)) {
    const parsed = indexSchema.safeParse(json, PARSE_OPTIONS);
    if (!parsed.success) throw badShape(what, parsed.error);
    return { kind: 'index', mediaType, bytes, manifest: parsed.data };
  }
  const parsed = imageManifestSchema.safeParse(json, PARSE_OPTIONS);
  if (!parsed.success) throw badShape(what, parsed.error);
  return { kind: 'image', mediaType, bytes, manifest: parsed.data };
}

function badShape(what: string, error: z.core.$ZodError): FerryError {
  const first = error.issues[0];
  const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid';
  return new FerryError(ErrorCode.BadManifest, `manifest of ${what} is malformed (${where})`, {
    cause: error,
  });
}

/** Blobs referenced by an image manifest: config first, then layers (non-distributable `urls` layers skipped). */
export function imageBlobs(manifest: ImageManifest): Descriptor[] {
  const out: Descriptor[] = [manifest.config];
  for (const layer of manifest.layers) {
    // Foreign layers (Windows base images) live outside the registry; pushing them is not allowed by default.
    if (layer.urls && layer.urls.length > 0) continue;
    out.push(layer);
  }
  return out;
}
