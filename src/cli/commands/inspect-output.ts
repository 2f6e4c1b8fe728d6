/**
 * What `skopeo inspect` prints, built from a manifest and its config: the JSON object with skopeo's
 * field order and Go's zero values (skopeo 1.9 cmd/skopeo/inspect/output.go `Output`: `Created` is a
 * *time.Time rendered RFC 3339 with trailing zeros dropped, null when the config has none; missing
 * strings are "", missing maps/slices null), and the same data as Go values for --format templates.
 * `LayersData` is what skopeo 1.10+ adds after `Layers`; 1.9 prints no such field (jq-based scripts
 * are unaffected by an extra field). Pure.
 */
import type { Descriptor, ImageManifest } from '../../oci/manifest.ts';
import { GoTime } from '../output/go-template/go-time.ts';
import {
  GoInt,
  GoMap,
  GoStruct,
  type GoValue,
  stringMap,
  stringSlice,
} from '../output/go-template/go-values.ts';

export interface ImageConfigJson {
  created?: string;
  author?: string;
  docker_version?: string;
  architecture?: string;
  variant?: string;
  os?: string;
  'os.version'?: string;
  'os.features'?: string[] | null;
  config?: {
    User?: string;
    ExposedPorts?: Record<string, object> | null;
    Env?: string[] | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    Volumes?: Record<string, object> | null;
    WorkingDir?: string;
    Labels?: Record<string, string> | null;
    StopSignal?: string;
  } | null;
  rootfs?: { type?: string; diff_ids?: string[] | null };
  history?: Array<{
    created?: string;
    created_by?: string;
    author?: string;
    comment?: string;
    empty_layer?: boolean;
  }> | null;
}

export interface InspectInput {
  /** `registry/repository`; undefined for transports without a docker reference (omitted, as in skopeo). */
  readonly name: string | undefined;
  readonly digest: string;
  readonly repoTags: readonly string[];
  readonly manifest: ImageManifest;
  readonly config: ImageConfigJson;
}

/** skopeo inspect's JSON object, keys in skopeo's order. */
export function inspectJson(input: InspectInput): Record<string, unknown> {
  const { config, manifest } = input;
  const created = config.created === undefined ? undefined : GoTime.parse(config.created);
  return {
    ...(input.name === undefined ? {} : { Name: input.name }),
    Digest: input.digest,
    RepoTags: input.repoTags,
    Created: created ? created.toJSON() : (config.created ?? null),
    DockerVersion: config.docker_version ?? '',
    Labels: sortedKeys(config.config?.Labels),
    Architecture: config.architecture ?? '',
    Os: config.os ?? '',
    Layers: manifest.layers.map((l) => l.digest),
    LayersData: manifest.layers.map((l: Descriptor) => ({
      MIMEType: l.mediaType,
      Digest: l.digest,
      Size: l.size,
      Annotations: sortedKeys(l.annotations),
    })),
    Env: config.config?.Env ?? null,
  };
}

/** The same as Go values: `{{.Created}}` prints Go's time format, `{{.Labels}}` `map[k:v]`. */
export function inspectGoValue(input: InspectInput): GoStruct {
  const { config, manifest } = input;
  return new GoStruct('inspect.Output', [
    ['Name', input.name ?? ''],
    ['Tag', ''],
    ['Digest', input.digest],
    ['RepoTags', stringSlice(input.repoTags)],
    ['Created', goTime(config.created)],
    ['DockerVersion', config.docker_version ?? ''],
    ['Labels', stringMap(config.config?.Labels)],
    ['Architecture', config.architecture ?? ''],
    ['Os', config.os ?? ''],
    ['Layers', manifest.layers.map((l) => l.digest)],
    [
      'LayersData',
      manifest.layers.map(
        (l) =>
          new GoStruct('types.ImageInspectLayer', [
            ['MIMEType', l.mediaType],
            ['Digest', l.digest],
            ['Size', new GoInt(l.size)],
            ['Annotations', stringMap(l.annotations)],
          ]),
      ),
    ],
    ['Env', stringSlice(config.config?.Env)],
  ]);
}

/** `inspect --config --format`: the OCI image config as image-spec's Go `v1.Image`. */
export function configGoValue(config: ImageConfigJson): GoStruct {
  const c = config.config ?? {};
  const set = (m: Record<string, object> | null | undefined) =>
    new GoMap(
      Object.keys(m ?? {}).map((k) => [k, new GoStruct('struct {}', [])] as const),
      new GoStruct('struct {}', []),
      'map[string]struct {}',
    );
  return new GoStruct('v1.Image', [
    ['Created', goTime(config.created)],
    ['Author', config.author ?? ''],
    ['Architecture', config.architecture ?? ''],
    ['Variant', config.variant ?? ''],
    ['OS', config.os ?? ''],
    ['OSVersion', config['os.version'] ?? ''],
    ['OSFeatures', stringSlice(config['os.features'])],
    [
      'Config',
      new GoStruct('v1.ImageConfig', [
        ['User', c.User ?? ''],
        ['ExposedPorts', set(c.ExposedPorts)],
        ['Env', stringSlice(c.Env)],
        ['Entrypoint', stringSlice(c.Entrypoint)],
        ['Cmd', stringSlice(c.Cmd)],
        ['Volumes', set(c.Volumes)],
        ['WorkingDir', c.WorkingDir ?? ''],
        ['Labels', stringMap(c.Labels)],
        ['StopSignal', c.StopSignal ?? ''],
      ]),
    ],
    [
      'RootFS',
      new GoStruct('v1.RootFS', [
        ['Type', config.rootfs?.type ?? ''],
        ['DiffIDs', stringSlice(config.rootfs?.diff_ids)],
      ]),
    ],
    [
      'History',
      (config.history ?? []).map(
        (h) =>
          new GoStruct('v1.History', [
            ['Created', goTime(h.created)],
            ['CreatedBy', h.created_by ?? ''],
            ['Author', h.author ?? ''],
            ['Comment', h.comment ?? ''],
            ['EmptyLayer', h.empty_layer === true],
          ]),
      ),
    ],
  ]);
}

function goTime(text: string | undefined): GoValue {
  return text === undefined ? null : (GoTime.parse(text) ?? text);
}

/**
 * `inspect --config`: the config as skopeo prints it — parsed into image-spec's Go `v1.Image` and
 * marshalled again, so fields come in the struct's order, unknown ones (docker's `container_config`,
 * …) are dropped, empty optional ones omitted, map keys sorted.
 */
export function configJson(config: ImageConfigJson): Record<string, unknown> {
  const c = config.config ?? {};
  const history = (config.history ?? []).map((h) =>
    omitEmpty({
      created: h.created === undefined ? undefined : (GoTime.parse(h.created)?.toJSON() ?? h.created),
      created_by: h.created_by,
      author: h.author,
      comment: h.comment,
      empty_layer: h.empty_layer === true ? true : undefined,
    }),
  );
  return omitEmpty(
    {
      created:
        config.created === undefined ? undefined : (GoTime.parse(config.created)?.toJSON() ?? config.created),
      author: config.author,
      architecture: config.architecture ?? '',
      variant: config.variant,
      os: config.os ?? '',
      'os.version': config['os.version'],
      'os.features': config['os.features'],
      config: omitEmpty({
        User: c.User,
        ExposedPorts: sortedKeys(c.ExposedPorts),
        Env: c.Env,
        Entrypoint: c.Entrypoint,
        Cmd: c.Cmd,
        Volumes: sortedKeys(c.Volumes),
        WorkingDir: c.WorkingDir,
        Labels: sortedKeys(c.Labels),
        StopSignal: c.StopSignal,
      }),
      rootfs: { type: config.rootfs?.type ?? '', diff_ids: config.rootfs?.diff_ids ?? null },
      history,
    },
    ['architecture', 'os', 'config', 'rootfs'],
  );
}

/** Go `omitempty`: drop undefined, null, '', false, and empty arrays/maps, except `keep`. */
function omitEmpty(obj: Record<string, unknown>, keep: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const empty =
      value === undefined ||
      value === null ||
      value === '' ||
      value === false ||
      (Array.isArray(value) && value.length === 0) ||
      (typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length === 0);
    if (!empty || keep.includes(key)) out[key] = value;
  }
  return out;
}

/** encoding/json writes map keys sorted. */
export function sortedKeys<T>(map: Readonly<Record<string, T>> | null | undefined): Record<string, T> | null {
  if (map === null || map === undefined) return null;
  return Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((k) => [k, map[k]!]),
  );
}

/**
 * `json.MarshalIndent(v, "", "    ")`: Go escapes <, > and & (and U+2028/U+2029) inside strings; those
 * characters only occur inside strings in JSON text, so the escaping can be done on the whole text.
 */
export function goJsonIndent(value: unknown): string {
  return JSON.stringify(value, null, 4).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
