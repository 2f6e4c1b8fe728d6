/**
 * The `docker save` / `docker load` archive format as containers/image v5.23 reads and writes it
 * (docker/internal/tarfile): `manifest.json` lists images as `{Config, RepoTags, Layers}` with paths
 * inside the tar; the config is `<config-hex>.json`, layers are uncompressed tars named
 * `<diffid-hex>.tar`; for older docker versions every layer also gets a legacy directory
 * `<layer-id>/{layer.tar → ../<diffid-hex>.tar, VERSION, json}` and `repositories` maps
 * `name → tag → top layer id`. The JSON here is produced the way Go's encoding/json produces it
 * (compact, struct field order, sorted map keys) so ferry's archives match skopeo's byte for byte.
 * Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { goCompact, topLevelMembers } from './go-json.ts';

export const ARCHIVE_MANIFEST = 'manifest.json';
export const ARCHIVE_REPOSITORIES = 'repositories';

const manifestItemSchema = z.object({
  Config: z.string().min(1),
  // `docker save` of an untagged image writes null.
  RepoTags: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  Layers: z.array(z.string()),
});

export type ManifestItem = z.infer<typeof manifestItemSchema>;

/** Parse `manifest.json`; throws with a reason (the caller names the archive). */
export function parseArchiveManifest(bytes: Uint8Array): ManifestItem[] {
  const json: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
  const parsed = z.array(manifestItemSchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `invalid manifest.json (${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'malformed'})`,
    );
  }
  return parsed.data;
}

/** `<config-hex>.json` (tarfile/writer.go `configPath`). */
export function configFileName(configDigest: string): string {
  return `${hexOf(configDigest)}.json`;
}

/** `<diffid-hex>.tar` (tarfile/writer.go `physicalLayerPath`). */
export function layerFileName(diffID: string): string {
  return `${hexOf(diffID)}.tar`;
}

/** The config's `rootfs.diff_ids`: the digests of the uncompressed layers, in order. */
export function diffIDsOf(configBytes: Uint8Array): string[] {
  const config = JSON.parse(Buffer.from(configBytes).toString('utf8')) as { rootfs?: { diff_ids?: unknown } };
  const ids = config.rootfs?.diff_ids;
  if (
    !Array.isArray(ids) ||
    !ids.every((d): d is string => typeof d === 'string' && /^sha256:[0-9a-f]{64}$/.test(d))
  ) {
    throw new Error('image config has no valid rootfs.diff_ids');
  }
  return ids;
}

export interface LegacyLayer {
  readonly id: string;
  readonly diffID: string;
  /** Content of `<id>/json`. */
  readonly json: string;
}

/** tarfile/writer.go `writeLegacyMetadataLocked`: one legacy directory per layer, chained by `parent`. */
export function legacyLayers(diffIDs: readonly string[], configText: string): LegacyLayer[] {
  const out: LegacyLayer[] = [];
  let chainID = '';
  let lastID = '';
  const config = topLevelMembers(configText);
  diffIDs.forEach((diffID, i) => {
    const fields = new Map<string, string>();
    if (lastID !== '') fields.set('parent', goString(lastID));
    if (i === diffIDs.length - 1) {
      for (const attr of [
        'architecture',
        'config',
        'container',
        'container_config',
        'created',
        'docker_version',
        'os',
      ]) {
        const raw = config.get(attr);
        fields.set(attr, raw === undefined ? 'null' : goCompact(raw));
      }
    }
    chainID = chainID === '' ? diffID : `sha256:${sha256Hex(`${chainID} ${diffID}`)}`;
    fields.set('layer_id', goString(chainID));
    const id = sha256Hex(goMap(fields));
    fields.delete('layer_id');
    fields.set('id', goString(id));
    out.push({ id, diffID, json: goMap(fields) });
    lastID = id;
  });
  return out;
}

/** `manifest.json` as tarfile/writer.go marshals `[]ManifestItem` (Parent, LayerSources omitted). */
export function archiveManifestJson(items: readonly ManifestItem[]): string {
  const parts = items.map(
    (item) =>
      `{"Config":${goString(item.Config)},"RepoTags":${goArray(item.RepoTags)},"Layers":${goArray(item.Layers)}}`,
  );
  return `[${parts.join(',')}]`;
}

/** `repositories`: name → tag → top legacy layer id, keys sorted as Go marshals maps. */
export function repositoriesJson(repositories: ReadonlyMap<string, ReadonlyMap<string, string>>): string {
  const outer = new Map<string, string>();
  for (const [name, tags] of repositories) {
    const inner = new Map<string, string>();
    for (const [tag, id] of tags) inner.set(tag, goString(id));
    outer.set(name, goMap(inner));
  }
  return goMap(outer);
}

export interface Schema2Descriptor {
  readonly mediaType: string;
  readonly size: number;
  readonly digest: string;
}

/**
 * A Docker schema 2 manifest as containers/image's `manifest.Schema2` marshals it (field order
 * schemaVersion, mediaType, config, layers; descriptor order mediaType, size, digest). This is the
 * manifest skopeo generates for an image read from an archive (tarfile/src.go `GetManifest`).
 */
export function schema2ManifestJson(config: Schema2Descriptor, layers: readonly Schema2Descriptor[]): string {
  const desc = (d: Schema2Descriptor) =>
    `{"mediaType":${goString(d.mediaType)},"size":${d.size},"digest":${goString(d.digest)}}`;
  return `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":${desc(config)},"layers":[${layers.map(desc).join(',')}]}`;
}

function hexOf(digest: string): string {
  const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
  if (!m?.[1]) throw new Error(`unsupported digest ${JSON.stringify(digest)} (docker-archive uses sha256)`);
  return m[1];
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function goString(value: string): string {
  return goCompact(JSON.stringify(value));
}

function goArray(values: readonly string[]): string {
  return `[${values.map(goString).join(',')}]`;
}

/** A Go map[string]… marshalled: keys sorted bytewise, values already JSON. */
function goMap(fields: ReadonlyMap<string, string>): string {
  const keys = [...fields.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${keys.map((k) => `${goString(k)}:${fields.get(k)}`).join(',')}}`;
}
